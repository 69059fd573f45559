import { Client } from "@langchain/langgraph-sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { twilioSignature } from "../../src/server/helper/twilio.js";
import { forgeCustomers } from "../../src/sim/persona-forge.js";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { Cluster } from "../helpers/cluster.js";
import { FakeTwilio } from "../helpers/fake-twilio.js";
import { corpus, testRuntime } from "../helpers/runtime.js";
import { loggedOutreach } from "../helpers/outreach.js";
import { customerIdForWaId } from "../../src/server/router/twilio.js";

const KEY = "distributed-key";
const TOKEN = "distributed-twilio-token";
const PUBLIC = "https://care.example.mx";
const FROM = "whatsapp:+14155238886";
const CONTACTS = 2_000;
const IN_FLIGHT = 32;
/** Runs ended when a worker is killed: mid-way, with the queue still full. */
const KILL_AFTER = Math.round(CONTACTS * 0.4);
const FINAL = ["success", "error", "interrupted", "timeout"];

// Silent customers with a low churn risk: each contact completes (no hand-off makes a customer a person's, which
// would refuse the customer's later contacts), so every run's expected end is known.
const customers = forgeCustomers({ n: 300, share_vocal: 0, share_angry: 0.5, seed: 21, id_prefix: "d" }, corpus).map((c) => ({ ...c, churn_risk_est: 0.1 }));

/** Map.groupBy, which Node 20 lacks. */
function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}

/** One request of the load: a /v1 contact, a thread's SDK background runs (several: queued behind each other), a WhatsApp message. */
type Task = { kind: "v1"; requestId: string; customer: string } | { kind: "sdk"; customer: string; runs: number } | { kind: "wa"; sid: string; waId: string; replay: boolean };

/** The load, in a fixed mixed order: 40% /v1, 35% SDK (100 threads of 3 runs, the rest single), 25% WhatsApp (1 in 10 posted twice). */
function plan(): Task[] {
  const tasks: Task[] = [];
  const customer = (i: number) => customers[i % customers.length]!.customer_id;
  for (let i = 0; i < CONTACTS * 0.4; i++) tasks.push({ kind: "v1", requestId: `dist-v1-${i}`, customer: customer(i) });
  for (let i = 0; i < 100; i++) tasks.push({ kind: "sdk", customer: customer(i * 7), runs: 3 });
  for (let i = 0; i < CONTACTS * 0.35 - 300; i++) tasks.push({ kind: "sdk", customer: customer(i * 11), runs: 1 });
  for (let i = 0; i < CONTACTS * 0.25; i++)
    tasks.push({ kind: "wa", sid: `SM${(0xd150000 + i).toString(16).padStart(32, "0")}`, waId: `52155${String(i).padStart(8, "0")}`, replay: i % 10 === 0 });
  // A fixed shuffle (LCG), so a failure replays the same order.
  let seed = 7;
  for (let i = tasks.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
  }
  return tasks;
}

/**
 * The distributed run of issue 10, on PostgreSQL: 2 `serve --no-worker` and 2 `worker` processes, 2,000
 * contacts over both servers (/v1 runs, SDK background runs, signed WhatsApp messages), one worker SIGKILLed
 * mid-way and restarted. Every accepted request must end exactly once, with its effects once, in order.
 */
describe.skipIf(!pgReachable)(pgReachable ? "the distributed run (PostgreSQL)" : "the distributed run: skipped, PostgreSQL not reachable", () => {
  const { schema, drop } = freshSchema();
  const twilio = new FakeTwilio();
  let cluster: Cluster | undefined;
  let db: pg.Pool;

  beforeAll(async () => {
    // Customers (and the schema's migrations) first, through a runtime of this process, then closed.
    const rt = await testRuntime({ database: { postgres: url, schema }, customers });
    // Each WhatsApp message answers an outreach: a care contact, as this run counts them (any other message
    // is a conversation turn, not a contact).
    for (const t of plan()) if (t.kind === "wa") await loggedOutreach(rt, customerIdForWaId(t.waId, TOKEN), "Hola, te escribimos de Kavak.");
    await rt.close();
    await twilio.start();
    db = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    cluster = new Cluster({
      env: { DATABASE_URL: url, DATABASE_SCHEMA: schema, CARE_GRAPH_API_KEYS: KEY, RUN_LEASE_MS: "1500", WORKER_POLL_MS: "100", RUN_RETRY_DELAY_MS: "100" },
      serveEnv: {
        RATE_LIMIT_PER_SECOND: "100000",
        RATE_LIMIT_BURST: "100000",
        RUN_CONCURRENCY: "256",
        RUN_QUEUE: "10000",
        TWILIO_AUTH_TOKEN: TOKEN,
        TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
        TWILIO_WHATSAPP_FROM: FROM,
        TWILIO_API_BASE: twilio.url,
        PUBLIC_BASE_URL: PUBLIC,
      },
    });
    await cluster.start(2, 2);
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
    await db?.end();
    await twilio.close();
    await drop();
  }, 60_000);

  const one = async <T>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows[0] as T;
  const count = async (text: string, params: unknown[] = []) => Number((await one<{ n: string }>(text, params)).n);

  /** Polls `check` every 100 ms until it holds; fails with `what` after `ms`. */
  async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("ends every accepted contact exactly once, its effects once, in order, through a worker's SIGKILL", { timeout: 240_000 }, async () => {
    // A failure's cause is usually in a child's log: its errors shown with the test's.
    onTestFailed(() => {
      for (const child of [...(cluster?.serves ?? []), ...(cluster?.workers ?? [])])
        for (const line of (child?.output() ?? "").split("\n").filter((l) => /"level":(50|60)/.test(l)).slice(0, 10)) console.error(line.slice(0, 2000));
    });
    const servers = cluster!.serves.map((s) => s.url);
    const clients = servers.map((apiUrl) => new Client({ apiUrl, apiKey: KEY, callerOptions: { maxRetries: 0 } }));
    const accepted = { v1: [] as string[], sdk: [] as Array<{ thread: string; runs: string[] }>, wa: [] as string[] };
    const refused: string[] = [];

    async function send(task: Task, i: number): Promise<void> {
      const server = i % servers.length;
      if (task.kind === "v1") {
        const r = await fetch(`${servers[server]}/v1/customers/${task.customer}/runs`, {
          method: "POST",
          headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", "x-request-id": task.requestId },
          body: "{}",
        });
        if (r.status === 200) accepted.v1.push(task.requestId);
        else refused.push(`v1 ${r.status} ${await r.text()}`);
      } else if (task.kind === "sdk") {
        const client = clients[server]!;
        const thread = await client.threads.create();
        const runs: string[] = [];
        // Back to back: the later runs wait in the thread's line behind the first (multitask_strategy enqueue).
        for (let k = 0; k < task.runs; k++)
          runs.push((await client.runs.create(thread.thread_id, "care", { input: { customer_id: task.customer }, multitaskStrategy: "enqueue" })).run_id);
        accepted.sdk.push({ thread: thread.thread_id, runs });
      } else {
        const params = { MessageSid: task.sid, AccountSid: `AC${"0".repeat(32)}`, From: `whatsapp:+${task.waId}`, To: FROM, WaId: task.waId, Body: "Hola, ¿me confirman el día de entrega de mi auto?", NumMedia: "0" };
        const post = (to: string) =>
          fetch(`${to}/webhooks/twilio/whatsapp`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, params) },
            body: new URLSearchParams(params).toString(),
          });
        const r = await post(servers[server]!);
        // Twilio's retry of the same message, to the other server: claimed once, answered once.
        const again = task.replay ? await post(servers[(server + 1) % servers.length]!) : r;
        if (r.status === 200 && again.status === 200) accepted.wa.push(task.sid);
        else refused.push(`wa ${r.status}/${again.status}`);
      }
    }

    const tasks = plan();
    expect(tasks.reduce((n, t) => n + (t.kind === "sdk" ? t.runs : 1), 0)).toBe(CONTACTS);
    const t0 = performance.now();
    let next = 0;
    const load = Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < tasks.length) {
          const i = next++;
          await send(tasks[i]!, i);
        }
      }),
    );

    // Mid-way: the worker holding runs is killed with them under way, and a new one started in its place.
    const ended = () => count(`SELECT count(*) AS n FROM runs WHERE status <> ALL($1)`, [["pending", "running"]]);
    await until(`${KILL_AFTER} runs ended`, 120_000, async () => (await ended()) >= KILL_AFTER);
    const pids = cluster!.workers.map((w) => w!.proc.pid!);
    const holding = await Promise.all(pids.map((pid) => count(`SELECT count(*) AS n FROM runs WHERE status = 'running' AND worker LIKE $1`, [`%:${pid}:%`])));
    const victim = holding[0]! >= holding[1]! ? 0 : 1;
    expect(holding[victim]).toBeGreaterThan(0);
    await cluster!.killWorker(victim);
    await cluster!.startWorker(victim);

    await load;
    await until("the queue to drain", 180_000, async () => (await count(`SELECT count(*) AS n FROM runs WHERE status = ANY($1)`, [["pending", "running"]])) === 0);
    const seconds = (performance.now() - t0) / 1000;
    expect(refused).toEqual([]);

    // Every accepted request has exactly one run, and it is final (none dead-lettered).
    const runs = (await db.query(`SELECT run_id, thread_id, seq, status, error, attempts, dead_at, lease_until, kwargs, started_at, finished_at FROM runs ORDER BY seq`)).rows;
    expect(runs).toHaveLength(CONTACTS);
    expect(runs.filter((r) => !FINAL.includes(r.status) || r.dead_at !== null || r.finished_at === null)).toEqual([]);
    const byRequest = groupBy(runs, (r) => r.kwargs.request_id as string);
    expect(accepted.v1.filter((id) => byRequest.get(id)?.length !== 1)).toEqual([]);
    const byId = new Map(runs.map((r) => [r.run_id as string, r]));
    expect(accepted.sdk.flatMap((t) => t.runs).filter((id) => byId.get(id) === undefined)).toEqual([]);
    const bySid = groupBy(runs, (r) => r.kwargs.channel?.message_sid as string | undefined);
    expect(accepted.wa.filter((sid) => bySid.get(sid)?.length !== 1)).toEqual([]);
    expect(accepted.v1.length + accepted.sdk.reduce((n, t) => n + t.runs.length, 0) + accepted.wa.length).toBe(CONTACTS);

    // A care thread takes one contact: the first run of each SDK thread succeeds, the ones queued behind it end as errors.
    const queuedBehind = new Set(accepted.sdk.flatMap((t) => t.runs.slice(1)));
    const unexpected = runs.filter((r) => (queuedBehind.has(r.run_id) ? r.status !== "error" || !/ThreadCompleted/.test(r.error) : r.status !== "success"));
    expect(unexpected.map((r) => ({ kind: r.kwargs.kind, behind: queuedBehind.has(r.run_id), status: r.status, error: r.error, attempts: r.attempts }))).toEqual([]);
    const succeeded = runs.filter((r) => r.status === "success");

    // One interaction per successful contact, none on a thread twice; the policy learned each learned interaction once.
    // The outreaches logged before the load ran on no queued run.
    const interactions = (await db.query(`SELECT interaction_id, thread_id, learned FROM interactions WHERE thread_id IN (SELECT thread_id FROM runs)`)).rows;
    expect(interactions).toHaveLength(succeeded.length);
    expect(new Set(interactions.map((i) => i.thread_id))).toEqual(new Set(succeeded.map((r) => r.thread_id)));
    const updates = (await db.query(`SELECT interaction_id FROM policy_updates ORDER BY interaction_id`)).rows.map((u) => u.interaction_id);
    expect(updates).toEqual(interactions.filter((i) => i.learned).map((i) => i.interaction_id).sort());

    // Each answered WhatsApp message has one outbound message, keyed by its run, sent once (both servers send).
    const answered = (await db.query(`SELECT message_sid, reply FROM inbound_messages WHERE status = 'answered' AND reply IS NOT NULL`)).rows;
    expect(answered).toHaveLength(accepted.wa.length);
    const outbound = (await db.query(`SELECT key, status, provider_id FROM outbound_messages`)).rows;
    expect(outbound.map((o) => o.key).sort()).toEqual(answered.map((m) => `${bySid.get(m.message_sid)![0].run_id}:reply`).sort());
    await until("the outbox to drain", 60_000, async () => (await count(`SELECT count(*) AS n FROM outbound_messages WHERE status <> 'sent'`)) === 0);
    const sent = (await db.query(`SELECT provider_id FROM outbound_messages`)).rows.map((o) => o.provider_id);
    expect(twilio.requests).toHaveLength(outbound.length);
    expect(new Set(twilio.requests.map((r) => r.form.To)).size).toBe(outbound.length);
    expect(new Set(sent).size).toBe(outbound.length);

    // A thread's runs started one at a time, in seq order: each after the one before it finished.
    const lines = [...groupBy(runs, (r) => r.thread_id as string).values()].filter((l) => l.length > 1);
    expect(lines).toHaveLength(100);
    const overlaps = lines.flatMap((l) =>
      l.slice(1).flatMap((r, k) => (r.started_at < l[k]!.finished_at ? [{ run: r.run_id, startedBeforeMs: l[k]!.finished_at - r.started_at, attempts: [l[k]!.attempts, r.attempts] }] : [])),
    );
    expect(overlaps).toEqual([]);

    // Nothing left leased; and the kill mattered: the killed worker's runs were taken again.
    expect(await count(`SELECT count(*) AS n FROM runs WHERE lease_until > now() OR status = 'running'`)).toBe(0);
    const retried = runs.filter((r) => r.attempts > 1).length;
    expect(retried).toBeGreaterThan(0);
    console.log(
      `distributed run: ${CONTACTS} runs in ${seconds.toFixed(1)} s (${(CONTACTS / seconds).toFixed(1)} runs/s) over 2 serve + 2 worker processes; ${retried} runs retried after the SIGKILL; ${twilio.requests.length} WhatsApp replies sent`,
    );
  });
});
