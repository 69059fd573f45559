/**
 * Scale-out figures of the durable run queue (issue 10). Every process is the real CLI (tests/helpers/cluster.ts);
 * contacts are queued straight into the store, each on its own thread, as a serve process queues them, so the
 * figures are the queue's and the workers', not HTTP's. Prints figures, asserts nothing.
 *
 *   (a) offline throughput on PostgreSQL, 1 vs 2 `care-graph worker` processes, `--runs` queued up-front
 *   (b) one `serve` process with its in-process worker, PostgreSQL vs SQLite, the same load
 *   (c) LLM-bound: a fake OpenAI-compatible model answering after `--model-ms`, 64 and 256 runs in flight
 *   (d) enqueue → start latency at idle (one run at a time) and under load (a steady stream at ~70% of capacity)
 *   (e) PostgreSQL connections per process, and a worker's RSS over a `--soak`-run soak
 *
 *   npm run bench:scale -- [--runs 1000] [--soak 20000] [--model-ms 300] [--only a,b,c,d,e]
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openCareRuntime, type CareRuntime, type Database } from "../src/app/care-runtime.js";
import { submitRun } from "../src/app/runs/submit.js";
import { forgeCustomers } from "../src/sim/persona-forge.js";
import { loadPersonaCorpus } from "../src/store/assets.js";
import { freshSchema, pgReachable, url } from "../tests/contract/backends.js";
import { Cluster } from "../tests/helpers/cluster.js";
import { FakeOpenAI, type ChatRequest } from "../tests/helpers/fake-openai.js";
import { rawDb } from "../tests/helpers/sql.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    soak: { type: "string", default: "20000" },
    "model-ms": { type: "string", default: "300" },
    only: { type: "string", default: "a,b,c,d,e" },
  },
});
const RUNS = Number(values.runs);
const SOAK = Number(values.soak);
const MODEL_MS = Number(values["model-ms"]);
const ONLY = new Set(values.only!.split(","));
/** The children inherit this process's environment: WORKER_SLOTS=16 npm run bench:scale tries another width. */
const SLOTS = process.env.WORKER_SLOTS ?? "4 (default)";
if (!pgReachable) throw new Error("bench:scale needs PostgreSQL (CARE_GRAPH_TEST_PG)");
// This process's own connections, apart from the children's (cg-serve-N, cg-worker-N) in pg_stat_activity.
process.env.PGAPPNAME = "cg-bench";

// As bench/api.ts: silent customers with a low churn risk, so every contact completes (no hand-off).
const customers = forgeCustomers({ n: 2000, share_vocal: 0, share_angry: 0.5, seed: 21, id_prefix: "s" }, loadPersonaCorpus()).map((c) => ({ ...c, churn_risk_est: 0.1 }));
const CHILD_ENV = { WORKER_POLL_MS: "100", LOG_LEVEL: "warn", RATE_LIMIT_PER_SECOND: "100000", RATE_LIMIT_BURST: "100000" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

interface Bench {
  rt: CareRuntime;
  env: Record<string, string>;
  rows(text: string): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

/** A fresh PostgreSQL schema or SQLite file with the customers; the env that points a child at it; raw reads of it. */
async function open(kind: "postgres" | "sqlite"): Promise<Bench> {
  let db: Database;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  if (kind === "postgres") {
    const s = freshSchema();
    db = { postgres: url, schema: s.schema };
    env = { DATABASE_URL: url, DATABASE_SCHEMA: s.schema };
    drop = s.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "care-graph-scale-"));
    db = { dbPath: join(dir, "scale.sqlite") };
    env = { CARE_GRAPH_DB: db.dbPath };
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const rt = await openCareRuntime({ ...db, seed: 21 });
  await rt.store.customers.upsertMany(customers);
  const pool = kind === "postgres" ? new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${env.DATABASE_SCHEMA}` }) : undefined;
  return {
    rt,
    env,
    rows: async (text) => (pool ? (await pool.query(text)).rows : (rawDb(rt).prepare(text).all() as Array<Record<string, any>>)),
    close: async () => {
      await pool?.end();
      await rt.close();
      await drop();
    },
  };
}

/** Queues `n` contacts, each on its own thread, in one transaction (the workers see them all at once). */
async function enqueue(rt: CareRuntime, n: number, offset = 0): Promise<void> {
  await rt.store.transaction(async (tx) => {
    for (let i = 0; i < n; i++)
      await submitRun(tx, { thread_id: randomUUID(), multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: customers[(offset + i) % customers.length]!.customer_id, context: {} } });
  });
}

/** Polls until no run is pending or running. */
async function drained(rt: CareRuntime, timeoutMs = 3_600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await rt.store.runs.stats();
    if (s.pending + s.running === 0) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));

/** From the queue's own timestamps: runs/s from the first start to the last end, enqueue → start p50/p99, failures, retries. */
async function timings(b: Bench) {
  const runs = (await b.rows(`SELECT created_at, started_at, finished_at, status, attempts FROM runs`)).map((r) => ({
    created: ms(r.created_at),
    started: ms(r.started_at),
    finished: ms(r.finished_at),
    ok: r.status === "success",
    attempts: Number(r.attempts),
  }));
  const first = Math.min(...runs.map((r) => r.started));
  const last = Math.max(...runs.map((r) => r.finished));
  const waits = runs.map((r) => r.started - r.created).sort((x, y) => x - y);
  return { n: runs.length, failed: runs.filter((r) => !r.ok).length, retried: runs.filter((r) => r.attempts > 1).length, perSecond: runs.length / ((last - first) / 1000), p50: quantile(waits, 0.5), p99: quantile(waits, 0.99) };
}

/** `n` contacts queued up-front through `workers` worker processes (or `serve` with its own worker): runs/s. */
async function throughput(kind: "postgres" | "sqlite", topology: { serves: number; workers: number; serveWorks?: boolean }, n: number, env: Record<string, string> = {}) {
  const b = await open(kind);
  const cluster = new Cluster({ env: { ...b.env, ...CHILD_ENV, ...env }, serveWorks: topology.serveWorks });
  try {
    await cluster.start(topology.serves, topology.workers);
    const before = cpuMs(cluster);
    const pgBefore = kind === "postgres" ? postgresCpuMs() : 0;
    await enqueue(b.rt, n);
    await drained(b.rt);
    // CPU the children spent on these runs: a figure the other load on a shared machine hardly moves, where runs/s does.
    const pgMsPerRun = kind === "postgres" ? (postgresCpuMs() - pgBefore) / n : undefined;
    return { ...(await timings(b)), cpuMsPerRun: (cpuMs(cluster) - before) / n, pgMsPerRun };
  } finally {
    await cluster.stop();
    await b.close();
  }
}

const line = (label: string, t: Awaited<ReturnType<typeof timings>> & { cpuMsPerRun?: number; pgMsPerRun?: number }) =>
  `${label}: ${t.n} runs, ${t.perSecond.toFixed(1)} runs/s (enqueue → start p50 ${t.p50} ms, p99 ${t.p99} ms${t.cpuMsPerRun === undefined ? "" : `; CPU of the children ${t.cpuMsPerRun.toFixed(1)} ms per run`}${t.pgMsPerRun === undefined ? "" : `, of PostgreSQL ${t.pgMsPerRun.toFixed(1)} ms: at most ${ceiling(t.cpuMsPerRun!, t.pgMsPerRun)} runs/s on these cores`}${t.failed ? `; ${t.failed} not success` : ""})`;

/** The rate at which a run's CPU, ours and PostgreSQL's, fills every core of this machine. */
const ceiling = (...msPerRun: number[]) => ((availableParallelism() * 1000) / msPerRun.reduce((a, b) => a + b, 0)).toFixed(0);

/** User + system CPU time of a process so far (ms; /proc/PID/stat at 100 ticks a second). */
function processCpuMs(pid: number | string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function cpuMs(cluster: Cluster): number {
  return Object.values(cluster.pids()).reduce((sum, pid) => sum + processCpuMs(pid), 0);
}

/**
 * CPU time of the local PostgreSQL's processes so far (every backend and the server's own, found by name in
 * /proc; a backend that exits in between takes its share with it, and other users of the server add theirs).
 */
function postgresCpuMs(): number {
  let sum = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") sum += processCpuMs(pid);
    } catch {
      // gone between the listing and the read
    }
  }
  return sum;
}

/** The machine's 1-minute load average: other sessions share these cores, and the figures move with it. */
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ")[0];

async function offline() {
  console.log(`\n(a) offline throughput on PostgreSQL, ${RUNS} contacts queued up-front, WORKER_SLOTS ${SLOTS} per worker`);
  const one = await throughput("postgres", { serves: 0, workers: 1 }, RUNS);
  console.log(line("  1 worker process ", one));
  const two = await throughput("postgres", { serves: 0, workers: 2 }, RUNS);
  console.log(line("  2 worker processes", two));
  console.log(`  ratio 2 / 1: ${(two.perSecond / one.perSecond).toFixed(2)} (goal ≥ 1.7); load average ${load()}`);
}

async function backends() {
  console.log(`\n(b) one \`serve\` process with its in-process worker (WORKER_SLOTS ${SLOTS}), ${RUNS} contacts queued up-front`);
  const p = await throughput("postgres", { serves: 1, workers: 0, serveWorks: true }, RUNS);
  console.log(line("  PostgreSQL", p));
  const s = await throughput("sqlite", { serves: 1, workers: 0, serveWorks: true }, RUNS);
  console.log(line("  SQLite    ", s));
  console.log(`  PostgreSQL / SQLite: ${(p.perSecond / s.perSecond).toFixed(2)}; load average ${load()}`);
}

/** Writer requests get a rewrite, judge requests (json_schema) a score; each after MODEL_MS. */
const JUDGE = JSON.stringify({ nps_expected: 8.5, engagement_prob: 0.7, churn_prob: 0.1, aspect_sentiment: { finanzas: 0, mecanica: 0.6, logistica: 0, atencion: 0.2 }, rationale: "Reconoce la falla y da un plazo claro." });
const REWRITE = "Hola, lamentamos la falla de tu auto. Lo revisamos en taller y te llamamos en menos de 48 horas. — Equipo Kavak";

async function llmBound() {
  const fake = await new FakeOpenAI().start();
  fake.otherwise((req: ChatRequest) => ({ kind: "delay", ms: MODEL_MS, then: { kind: "content", content: req.response_format?.type === "json_schema" ? JUDGE : REWRITE } }));
  const models = { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "bench-key" };
  try {
    console.log(`\n(c) LLM-bound: a fake model answering after ${MODEL_MS} ms, 2 worker processes`);
    for (const inFlight of [64, 256]) {
      fake.requests.length = 0;
      const n = inFlight * 6;
      const t = await throughput("postgres", { serves: 0, workers: 2 }, n, { ...models, WORKER_SLOTS: String(inFlight / 2) });
      const callsPerRun = fake.requests.length / t.n;
      const ideal = inFlight / ((callsPerRun * MODEL_MS) / 1000);
      console.log(
        `  ${inFlight} in flight (2 × WORKER_SLOTS ${inFlight / 2}), ${n} runs: ${t.perSecond.toFixed(1)} runs/s; ${callsPerRun.toFixed(2)} model calls per run → ideal ${ideal.toFixed(1)} runs/s; ${((100 * t.perSecond) / ideal).toFixed(0)}% of ideal; CPU per run: workers ${t.cpuMsPerRun.toFixed(1)} ms, PostgreSQL ${t.pgMsPerRun!.toFixed(1)} ms (the model's fake not counted): at most ${ceiling(t.cpuMsPerRun, t.pgMsPerRun!)} runs/s on these cores${t.failed ? `; ${t.failed} not success` : ""}`,
      );
    }
  } finally {
    await fake.stop();
  }
}

async function latency() {
  console.log(`\n(d) enqueue → start latency on PostgreSQL, 2 worker processes (WORKER_SLOTS ${SLOTS}), from runs.created_at/started_at`);
  const b = await open("postgres");
  const cluster = new Cluster({ env: { ...b.env, ...CHILD_ENV } });
  try {
    await cluster.start(0, 2);
    // Idle: one run at a time, the next queued once the last has ended (woken by NOTIFY, not the poll).
    for (let i = 0; i < 200; i++) {
      await enqueue(b.rt, 1, i);
      await drained(b.rt);
    }
    console.log(line("  idle, one run at a time      ", await timings(b)));
    await b.rows(`DELETE FROM runs`);
    // What these 2 workers end per second with a backlog, then an open loop at ~70% of it: one run every `gap` ms.
    await enqueue(b.rt, 400);
    await drained(b.rt);
    const capacity = (await timings(b)).perSecond;
    await b.rows(`DELETE FROM runs`);
    const gap = 1000 / (capacity * 0.7);
    const t0 = performance.now();
    for (let i = 0; i < Math.round(capacity * 0.7 * 20); i++) {
      await sleep(Math.max(0, t0 + i * gap - performance.now()));
      await enqueue(b.rt, 1, i);
    }
    await drained(b.rt);
    console.log(line(`  under load, ${(capacity * 0.7).toFixed(0)} runs/s for 20 s (70% of ${capacity.toFixed(0)})`, await timings(b)));
  } finally {
    await cluster.stop();
    await b.close();
  }
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

async function soak() {
  console.log(`\n(e) connections and memory: 2 \`serve --no-worker\` + 2 workers on PostgreSQL, ${SOAK} contacts (batches of 1,000 kept ahead of the workers)`);
  const b = await open("postgres");
  const cluster = new Cluster({ env: { ...b.env, ...CHILD_ENV } });
  try {
    await cluster.start(2, 2);
    const pids = cluster.pids();
    const worker = pids["cg-worker-0"]!;
    const samples: string[] = [];
    let queued = 0;
    let connections = "";
    const t0 = performance.now();
    while (queued < SOAK) {
      const s = await b.rt.store.runs.stats();
      if (s.pending < 500) {
        samples.push(`${queued - s.pending - s.running}: ${rssMb(worker).toFixed(0)} MB`);
        const n = Math.min(1000, SOAK - queued);
        await enqueue(b.rt, n, queued);
        queued += n;
        if (!connections && queued >= 2000) {
          const rows = await b.rows(`SELECT application_name AS app, count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'cg-%' GROUP BY 1 ORDER BY 1`);
          connections = rows.map((r) => `${r.app} ${r.n}`).join(", ");
        }
      }
      await sleep(200);
    }
    await drained(b.rt);
    samples.push(`${SOAK}: ${rssMb(worker).toFixed(0)} MB`);
    const t = await timings(b);
    console.log(`  PostgreSQL connections held (pg_stat_activity by application_name, under load): ${connections}`);
    console.log(`  worker cg-worker-0 RSS by runs ended (all workers): ${samples.join(" · ")}`);
    console.log(`  ${t.n} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s, ${t.perSecond.toFixed(1)} runs/s${t.failed ? `; ${t.failed} not success` : ""}`);
  } finally {
    await cluster.stop();
    await b.close();
  }
}

const parts: Array<[string, () => Promise<void>]> = [
  ["a", offline],
  ["b", backends],
  ["c", llmBound],
  ["d", latency],
  ["e", soak],
];
console.log(`bench:scale — Node ${process.version}, ${(await import("node:os")).cpus().length} cores, runs ${RUNS}, soak ${SOAK}, model ${MODEL_MS} ms`);
for (const [key, part] of parts) if (ONLY.has(key)) await part();
