/**
 * Throughput of the full care graph (offline models, SqliteSaver on a WAL file) next to a bare 5-node
 * graph with trivial nodes and the same checkpointer, measured in one process and interleaved, with 16
 * runs in flight; then memory over many customers. Not a test: it prints figures.
 *
 *   npm run bench:graph -- [--runs 2000] [--soak 50000] [--inflight 16]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { CareContext } from "../src/agents/context.js";
import { openCareRuntime, type Durability } from "../src/app/care-runtime.js";
import { forgeCustomers } from "../src/sim/persona-forge.js";
import { mapPool } from "../src/sim/pool.js";
import { loadPersonaCorpus } from "../src/store/assets.js";
import { openDb } from "../src/store/db.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "2000" },
    soak: { type: "string", default: "50000" },
    inflight: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
    // --no-escalations: churn threshold 1 and no legal/safety messages, so no contact ends in an interrupt.
    "no-escalations": { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const SOAK = Number(values.soak);
const INFLIGHT = Number(values.inflight);
const ROUNDS = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), "care-graph-bench-"));
const NO_ESCALATIONS = values["no-escalations"] === true;
const customers = forgeCustomers({ n: 2000, seed: 11, ...(NO_ESCALATIONS ? { share_severe: 0 } : {}) }, loadPersonaCorpus());

function bareGraph(path: string) {
  const db = openDb(path);
  const State = Annotation.Root({ x: Annotation<number> });
  const step = (s: typeof State.State) => ({ x: s.x + 1 });
  const graph = new StateGraph(State)
    .addNode("a", step).addNode("b", step).addNode("c", step).addNode("d", step).addNode("e", step)
    .addEdge(START, "a").addEdge("a", "b").addEdge("b", "c").addEdge("c", "d").addEdge("d", "e").addEdge("e", END)
    .compile({ checkpointer: new SqliteSaver(db) });
  return { db, graph };
}

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await mapPool(Array.from({ length: n }, (_, i) => i), INFLIGHT, fn);
  return n / ((performance.now() - t0) / 1000);
}

const context = CareContext.parse({ policy: "thompson", policy_namespace: "bench", ...(NO_ESCALATIONS ? { churn_threshold: 1 } : {}) });
let seq = 0;

async function throughput(durability: Durability) {
  const bare = bareGraph(join(dir, `bare-${durability}.sqlite`));
  const rt = await openCareRuntime({ dbPath: join(dir, `care-${durability}.sqlite`), seed: 11 });
  await rt.store.customers.upsertMany(customers);
  const bareRun = (i: number) => bare.graph.invoke({ x: i }, { configurable: { thread_id: `b${seq++}` }, durability });
  const careRun = (i: number) =>
    rt.graph.invoke({ customer_id: customers[i % customers.length]!.customer_id }, { configurable: { thread_id: `c${seq++}` }, context, durability });
  await timed(200, bareRun); // warm-up: JIT, prepared statements, page cache
  await timed(200, careRun);
  const rows: Array<{ bare: number; care: number }> = [];
  for (let r = 0; r < ROUNDS; r++) rows.push({ bare: await timed(RUNS, bareRun), care: await timed(RUNS, careRun) });
  bare.db.close();
  await rt.close();
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bareMed = median(rows.map((r) => r.bare));
  const careMed = median(rows.map((r) => r.care));
  console.log(
    `durability=${durability.padEnd(5)} bare ${bareMed.toFixed(0).padStart(5)} runs/s · care ${careMed.toFixed(0).padStart(5)} runs/s · ratio ${(careMed / bareMed).toFixed(2)}` +
      `   (rounds: ${rows.map((r) => `${r.bare.toFixed(0)}/${r.care.toFixed(0)}`).join(", ")})`,
  );
}

async function soak() {
  const path = join(dir, "soak.sqlite");
  const rt = await openCareRuntime({ dbPath: path, seed: 11 });
  await rt.store.customers.upsertMany(customers);
  const dbBytes = () => ["", "-wal"].reduce((a, s) => a + (statSync(path + s, { throwIfNoEntry: false })?.size ?? 0), 0);
  const step = Math.max(1, Math.floor(SOAK / 10));
  console.log(`\nsoak: ${SOAK} customers through the care graph (durability=async, ${INFLIGHT} in flight)`);
  console.log("   customers   RSS MiB  heap MiB   DB MiB  DB bytes/customer  runs/s");
  for (let done = 0; done < SOAK; ) {
    const n = Math.min(step, SOAK - done);
    const rate = await timed(n, (i) =>
      rt.graph.invoke(
        { customer_id: customers[(done + i) % customers.length]!.customer_id },
        { configurable: { thread_id: `s${done + i}` }, context, durability: "async" },
      ),
    );
    done += n;
    globalThis.gc?.();
    const m = process.memoryUsage();
    const mib = (b: number) => (b / 2 ** 20).toFixed(1).padStart(8);
    console.log(`${String(done).padStart(12)} ${mib(m.rss)}  ${mib(m.heapUsed)} ${mib(dbBytes())} ${(dbBytes() / done).toFixed(0).padStart(18)} ${rate.toFixed(0).padStart(7)}`);
  }
  await rt.close();
}

console.log(
  `care-graph bench:graph — ${RUNS} runs × ${ROUNDS} rounds per graph, ${INFLIGHT} in flight, ${NO_ESCALATIONS ? "no escalations" : "default escalations"}, node ${process.version}`,
);
try {
  for (const d of ["async", "exit"] as const) await throughput(d);
  if (SOAK > 0) await soak();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
