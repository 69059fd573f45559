/**
 * The agents' inbox under a full queue (issue 12): server time of /console/inbox with `--pending` pending
 * hand-offs (plus resolved and simulated ones, which the page must skip), through app.request with a signed-in
 * agent's cookie (the session lookup included), on SQLite and PostgreSQL. Per kind of request, `--requests`
 * timed requests after a warm-up: the full page (first page), the queue fragment walking the keyset pages from
 * the first to the deepest, and a filtered view. Prints figures (markdown), asserts nothing. Goal: p95 ≤ 100 ms.
 *
 *   npm run bench:inbox -- [--pending 10000] [--requests 200] [--only sqlite,postgres]
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { addUser } from "../src/app/people.js";
import type { CareRuntime } from "../src/app/care-runtime.js";
import type { HandoffOpen } from "../src/store/handoffs.js";
import { freshSchema, pgReachable, url } from "../tests/contract/backends.js";
import { testApp } from "../tests/helpers/app.js";
import { TEST_PASSWORD } from "../tests/helpers/browser.js";
import { ConsoleClient } from "../tests/helpers/console.js";
import { tempDbPath, testRuntime } from "../tests/helpers/runtime.js";

const { values } = parseArgs({
  options: {
    pending: { type: "string", default: "10000" },
    requests: { type: "string", default: "200" },
    only: { type: "string", default: "sqlite,postgres" },
  },
});
const PENDING = Number(values.pending);
const REQUESTS = Number(values.requests);
const ONLY = new Set(values.only!.split(","));

const REASONS = ["human_request", "legal_threat", "safety_risk", "repeated_failure", "support", "lead", "priority", "churn_risk"];
const CHANNELS = ["whatsapp", "telegram", "web", "api"];

/** A deterministic mix: both graphs, every reason and channel, priorities 1–10, a fifth claimed by someone. */
function handoff(i: number, over: Partial<HandoffOpen> = {}): HandoffOpen {
  const conversation = i % 3 !== 0;
  return {
    interaction_id: `bench-${i}`,
    thread_id: `thread-${i}`,
    customer_id: `c-${i % 4000}`,
    reason: REASONS[i % REASONS.length]!,
    priority: 1 + ((i * 7) % 10),
    draft: conversation ? "**Motivo:** human_request\n\n**Últimos mensajes del cliente:**\n> quiero hablar con una persona" : "Hola, te saludamos de Kavak. Lamentamos lo ocurrido; te respondemos en menos de 48 horas.",
    experiment_id: null,
    graph: conversation ? "conversation" : "care",
    channel: conversation ? CHANNELS[i % CHANNELS.length]! : null,
    ...over,
  };
}

async function seed(rt: CareRuntime): Promise<void> {
  const BATCH = 500;
  const total = PENDING + PENDING / 10 + PENDING / 10;
  for (let from = 0; from < total; from += BATCH)
    await rt.store.transaction(async (tx) => {
      for (let i = from; i < Math.min(total, from + BATCH); i++) {
        // After the pending ones: a tenth resolved, a tenth a simulated customer's (neither in the inbox).
        const simulated = i >= PENDING + PENDING / 10;
        await tx.handoffs.open(handoff(i, simulated ? { experiment_id: "exp-bench" } : {}));
        if (i >= PENDING && !simulated) await tx.handoffs.resolve(`bench-${i}`, "response");
        else if (i % 5 === 0) await tx.handoffs.claim(`bench-${i}`, i % 10 === 0 ? "ana" : "luis");
      }
    });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function bench(backend: "sqlite" | "postgres") {
  const file = backend === "sqlite" ? tempDbPath() : undefined;
  const schema = backend === "postgres" ? freshSchema() : undefined;
  const rt = await testRuntime(file ? { dbPath: file.path, customers: [] } : { database: { postgres: url, schema: schema!.schema }, customers: [] });
  try {
    const t0 = performance.now();
    await seed(rt);
    const seeded = performance.now() - t0;
    const pending = await rt.store.handoffs.pendingCount();
    await addUser(rt.store, { name: "ana", role: "agent", password: TEST_PASSWORD });
    const app = testApp(rt);
    const agent = new ConsoleClient(app);
    await agent.signIn("ana");

    const get = async (path: string) => {
      const s = performance.now();
      const c = process.cpuUsage();
      const res = await agent.request(path);
      const html = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      const used = process.cpuUsage(c);
      return { ms: performance.now() - s, cpu: (used.user + used.system) / 1000, html };
    };
    const nextOf = (html: string) => /hx-get="\/console\/inbox\/queue\?([^"]*after=[^"]*)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");

    const kinds: Record<string, () => AsyncGenerator<string>> = {
      "full page, first page": async function* () {
        for (;;) yield "/console/inbox";
      },
      // Each request reads the page after the last: from the first page down to the deepest, then again.
      "queue fragment, walking every page (keyset)": async function* () {
        let path = "/console/inbox/queue";
        for (;;) {
          yield path;
          const next = nextOf(last);
          path = next ? `/console/inbox/queue?${next}` : "/console/inbox/queue";
        }
      },
      "filtered: legal threats, unclaimed, priority ≥ 5": async function* () {
        for (;;) yield "/console/inbox/queue?reason=legal_threat&claimed=unclaimed&min=5";
      },
    };
    let last = "";
    const rows: string[] = [];
    // PostgreSQL twice: right after the burst of inserts (its statistics still say the table is empty: it sorts
    // the pending rows instead of reading the index in order), and once ANALYZE ran, as autovacuum does within a
    // minute of such a burst.
    for (const analyzed of backend === "postgres" ? [false, true] : [false]) {
      for (const [kind, paths] of Object.entries(kinds)) {
        if (analyzed && kind === Object.keys(kinds)[0]) {
          const admin = new pg.Client(url);
          await admin.connect();
          await admin.query(`ANALYZE ${schema!.schema}.handoffs`).finally(() => admin.end());
        }
        const it = paths();
        for (let i = 0; i < 20; i++) last = (await get((await it.next()).value!)).html; // warm-up
        const ms: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < REQUESTS; i++) {
          const r = await get((await it.next()).value!);
          last = r.html;
          ms.push(r.ms);
          cpu.push(r.cpu);
        }
        const f = (x: number) => x.toFixed(1);
        const label = backend === "postgres" ? (analyzed ? "postgres, analyzed" : "postgres, before ANALYZE") : backend;
        rows.push(`| ${label} | ${kind} | ${REQUESTS} | ${f(pct(ms, 50))} | ${f(pct(ms, 95))} | ${f(Math.max(...ms))} | ${f(pct(cpu, 50))} | ${f(pct(cpu, 95))} |`);
      }
    }
    console.log(`${backend}: ${pending} pending (seeded in ${(seeded / 1000).toFixed(1)} s)`);
    return rows;
  } finally {
    await rt.close();
    file?.cleanup();
    await schema?.drop();
  }
}

const out: string[] = [];
for (const backend of ["sqlite", "postgres"] as const) {
  if (!ONLY.has(backend)) continue;
  if (backend === "postgres" && !pgReachable) {
    console.warn("PostgreSQL not reachable (CARE_GRAPH_TEST_PG): skipped");
    continue;
  }
  out.push(...(await bench(backend)));
}
console.log(`\n${PENDING} pending hand-offs, ${REQUESTS} timed requests per row (after 20 warm-up), server time through app.request (ms; cpu: this process's CPU time over the request):\n`);
console.log("| backend | request | n | p50 | p95 | max | cpu p50 | cpu p95 |\n|---|---|---|---|---|---|---|---|");
for (const r of out) console.log(r);
