/**
 * The conversation graph's figures for issue 11, in one process (the machine is shared: ratios are measured
 * side by side, never across runs). Not a test: it prints figures, asserts nothing.
 *
 *   latency     one turn of the conversation graph (offline) against a bare messages graph (one node appending
 *               an AI message) on the same checkpointer: the product's SQLite file (its SqliteSaver, on a temp
 *               file) and, when reachable, PostgreSQL (our PostgresCheckpointer). Multi-turn scripts
 *               (bench/instances/conversation-scripts.json) over many threads, one turn in flight, the two graphs
 *               interleaved conversation by conversation; wall and CPU time per turn. The graph as the runtime
 *               serves it (support desk on the backend's store, long-term memory on the same database), without
 *               what the app layer does around a turn (transcript, thread status: src/app/conversation-runs.ts).
 *   catalog     search over a generated 100,000-car catalog: build time, heap, p50/p99 of a mix of queries.
 *   classifier  the intent classifier's throughput and its time per message.
 *   memory      heap and RSS (after a full GC) and the SQLite file's size over many conversations.
 *
 *   npm run bench:conversation -- [--only latency,catalog,classifier,memory] [--backends sqlite,postgres]
 *     [--threads 60] [--rounds 3] [--cars 100000] [--searches 20000] [--messages 20000]
 *     [--conversations 10000] [--turns 10] [--every 1000] [--inflight 4] [--soak-minutes 0] [--seed 1]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AIMessage } from "@langchain/core/messages";
import Database from "better-sqlite3";
import { END, MessagesAnnotation, START, StateGraph, type BaseCheckpointSaver, type BaseStore } from "@langchain/langgraph";
import { z } from "zod";
import { compileConversationGraph } from "../graphs/conversation.js";
import { createConversationDeps } from "../src/agents/conversation/deps.js";
import { HELD_OUT_FILE } from "../src/agents/conversation/intents.js";
import type { CarQueryInput } from "../src/domain/car.js";
import { randInt, rngFor, type Rng } from "../src/policy/random.js";
import { mapPool } from "../src/sim/pool.js";
import { loadCatalog, loadCatalogAliases, loadIntentExamples } from "../src/store/assets.js";
import type { Store } from "../src/store/ports.js";
import { openSqlite } from "../src/store/sqlite/open.js";
import { createCatalog } from "../src/tools/catalog/catalog.js";
import { generateCars } from "./lib/catalog-gen.js";
import { ascending, LATENCY_HEADER, latencyRow, percentile, Timings } from "./lib/timing.js";

const { values } = parseArgs({
  options: {
    only: { type: "string", default: "latency,catalog,classifier,memory" },
    backends: { type: "string", default: "sqlite,postgres" },
    threads: { type: "string", default: "60" },
    rounds: { type: "string", default: "3" },
    cars: { type: "string", default: "100000" },
    searches: { type: "string", default: "20000" },
    messages: { type: "string", default: "20000" },
    conversations: { type: "string", default: "10000" },
    turns: { type: "string", default: "10" },
    every: { type: "string", default: "1000" },
    inflight: { type: "string", default: "4" },
    // Stop the memory run at the first checkpoint past this many minutes (0: run them all).
    "soak-minutes": { type: "string", default: "0" },
    seed: { type: "string", default: "1" },
  },
});
const ONLY = new Set(values.only.split(","));
const SEED = Number(values.seed);
const TURNS = Number(values.turns);

const SCRIPTS = z
  .object({ scripts: z.array(z.array(z.string().min(1)).min(1)).min(1) })
  .parse(JSON.parse(readFileSync("bench/instances/conversation-scripts.json", "utf8"))).scripts;
/** Thread n's k-th message: the scripts in turn, each cycled when more turns are asked than it has. */
const message = (n: number, k: number) => SCRIPTS[n % SCRIPTS.length]![k % SCRIPTS[n % SCRIPTS.length]!.length]!;

const mib = (b: number) => (b / 2 ** 20).toFixed(1);
const gc = () => (globalThis.gc ? globalThis.gc() : undefined);
const shared = createConversationDeps();
/** As the runtime serves it (src/app/care-runtime.ts): the trained classifier and tools shared, the support desk on the backend's store. */
const depsOn = (store: Store) => createConversationDeps({ tools: shared.tools, classifier: shared.classifier, store });

type Invoke = (thread: string, content: string) => Promise<Record<string, unknown>>;
type Graph = { invoke(input: unknown, config: unknown): Promise<unknown> };
const invoker = (graph: Graph): Invoke => async (thread, content) =>
  (await graph.invoke({ messages: [{ role: "user", content }] }, { configurable: { thread_id: thread }, context: { channel: "web" } })) as Record<string, unknown>;

/** What a graph's turn produced that is not a plain reply: an interrupt (a hand-off) or no AI message last. */
const outcomes = { interrupts: 0, noReply: 0 };
function check(out: Record<string, unknown>) {
  if ((out["__interrupt__"] as unknown[] | undefined)?.length) outcomes.interrupts++;
  const last = (out["messages"] as Array<{ getType(): string }>).at(-1);
  if (last?.getType() !== "ai") outcomes.noReply++;
}

function bareGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode("reply", () => ({ messages: [new AIMessage("Con gusto te ayudo.")] }))
    .addEdge(START, "reply")
    .addEdge("reply", END)
    .compile({ checkpointer });
}

type Backend = { store: Store; checkpointer: BaseCheckpointSaver; memory: BaseStore; close: () => Promise<void> };

async function openBackend(name: string): Promise<Backend | undefined> {
  if (name === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "care-graph-bench-convo-"));
    const { store, checkpointer, memory } = openSqlite(join(dir, "care.sqlite"));
    return { store, checkpointer, memory, close: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const { freshSchema, pgReachable, url } = await import("../tests/contract/backends.js");
  if (!pgReachable) return undefined;
  const { openPostgres } = await import("../src/store/postgres/open.js");
  const s = freshSchema();
  const { store, checkpointer, memory } = await openPostgres({ url, schema: s.schema, max: 4 });
  return { store, checkpointer, memory, close: async () => (await store.close(), await s.drop()) };
}

let threadSeq = 0;
/** One conversation of `turns` turns on a new thread, each turn timed under `kind` (and its turn number). */
async function converse(invoke: Invoke, n: number, turns: number, timings?: Timings, kind = "", byTurn?: Timings) {
  const thread = `${kind || "t"}-${threadSeq++}`;
  for (let k = 0; k < turns; k++) {
    const start = performance.now();
    const out = timings ? await timings.time(kind, () => invoke(thread, message(n, k))) : await invoke(thread, message(n, k));
    byTurn?.add(String(k + 1), performance.now() - start, 0);
    check(out);
  }
}

async function latency() {
  const THREADS = Number(values.threads);
  const ROUNDS = Number(values.rounds);
  console.log(`\n## latency — ${ROUNDS} rounds × ${THREADS} conversations × ${TURNS} turns per graph, one turn in flight, durability async (the default)`);
  for (const name of values.backends.split(",")) {
    const backend = await openBackend(name);
    if (!backend) {
      console.log(`${name}: not reachable, skipped`);
      continue;
    }
    try {
      const graphs = { bare: invoker(bareGraph(backend.checkpointer)), conversation: invoker(compileConversationGraph(depsOn(backend.store), backend.checkpointer, backend.memory)) };
      // Warm-up: JIT, prepared statements, the pool's connections, the page cache.
      for (let n = 0; n < 10; n++) for (const g of Object.values(graphs)) await converse(g, n, TURNS);
      Object.assign(outcomes, { interrupts: 0, noReply: 0 });
      const all = new Timings();
      const byTurn = new Timings();
      const rounds: string[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const round = new Timings();
        for (let n = 0; n < THREADS; n++) {
          // Alternate which graph goes first, so a drift in the machine's load falls on both alike.
          const order = n % 2 === 0 ? (["bare", "conversation"] as const) : (["conversation", "bare"] as const);
          for (const kind of order) await converse(graphs[kind], n, TURNS, round, kind, kind === "conversation" ? byTurn : undefined);
        }
        for (const [kind, list] of round.wall) for (const [i, w] of list.entries()) all.add(kind, w, round.cpu.get(kind)![i]!);
        const p = (kind: string, q: number) => percentile(ascending(round.wall.get(kind)!), q);
        rounds.push(`${(p("conversation", 0.5) / p("bare", 0.5)).toFixed(1)} (p50 ${p("bare", 0.5).toFixed(2)}/${p("conversation", 0.5).toFixed(2)} ms)`);
      }
      const q = (m: Map<string, number[]>, kind: string, p: number) => percentile(ascending(m.get(kind)!), p);
      console.log(`\n### ${name} (load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})`);
      console.log(LATENCY_HEADER.replace("kind", "graph (one turn)"));
      for (const kind of ["bare", "conversation"]) console.log(latencyRow(kind, all.wall.get(kind)!, all.cpu.get(kind)!));
      console.log(
        `conversation / bare: wall p50 ${(q(all.wall, "conversation", 0.5) / q(all.wall, "bare", 0.5)).toFixed(1)}×, wall p99 ${(q(all.wall, "conversation", 0.99) / q(all.wall, "bare", 0.99)).toFixed(1)}×, ` +
          `CPU p50 ${(q(all.cpu, "conversation", 0.5) / q(all.cpu, "bare", 0.5)).toFixed(1)}×, CPU p99 ${(q(all.cpu, "conversation", 0.99) / q(all.cpu, "bare", 0.99)).toFixed(1)}×`,
      );
      console.log(`conversation / bare wall p50 by round (bare / conversation p50): ${rounds.join(", ")}`);
      console.log(`conversation wall p50 by turn number: ${[...byTurn.wall].map(([k, l]) => `${k}: ${percentile(ascending(l), 0.5).toFixed(2)}`).join(", ")} ms`);
      console.log(`turns ending in an interrupt: ${outcomes.interrupts}; turns without an AI reply last: ${outcomes.noReply}`);
    } finally {
      await backend.close();
    }
  }
}

/** "Jetta" → "Jeta", "Versa" → "Vresa": one letter dropped or two swapped, as customers type. */
function typo(word: string, rng: Rng): string {
  if (word.length < 4) return word;
  const i = 1 + randInt(rng, word.length - 2);
  return rng.next() < 0.5 ? word.slice(0, i) + word.slice(i + 1) : word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

function catalogBench() {
  const N = Number(values.cars);
  const CALLS = Number(values.searches);
  const rng = rngFor(SEED, "bench-conversation", "catalog");
  const sample = loadCatalog();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const cars = generateCars(sample, N, rng);
  const t0 = performance.now();
  const catalog = createCatalog(cars, loadCatalogAliases());
  const buildMs = performance.now() - t0;
  gc();
  const heap = process.memoryUsage().heapUsed - heap0;

  const pick = () => sample[randInt(rng, sample.length)]!;
  const price = () => 150_000 + randInt(rng, 30) * 10_000;
  const year = () => 2012 + randInt(rng, 12);
  let typoTexts = 0;
  let typoFound = 0;
  const KINDS: Array<[string, () => () => unknown]> = [
    ["text: model with a typo", () => {
      const c = pick();
      const text = `busco un ${typo(c.model.toLowerCase(), rng)}${rng.next() < 0.5 ? ` ${c.year}` : ""}`;
      return () => {
        const parsed = catalog.parse(text);
        typoTexts++;
        if (parsed.query.model === c.model) typoFound++;
        return catalog.search(parsed.query);
      };
    }],
    ["make+model", () => { const c = pick(); return () => catalog.search({ make: c.make, model: c.model }); }],
    ["price range", () => { const lo = price(); return () => catalog.search({ price_min: lo, price_max: lo + 100_000 }); }],
    ["year range", () => { const y = year(); return () => catalog.search({ year_min: y, year_max: y + 2 }); }],
    ["features (full scan)", () => { const q: CarQueryInput = { carplay: true, bluetooth: true, transmission: "auto" }; return () => catalog.search(q); }],
    ["cheapest of a make", () => { const make = pick().make; return () => catalog.search({ make, limit: 1 }); }],
    ["newest (full scan)", () => () => catalog.search({ sort: "newest", limit: 1 })],
    ["text: price and years", () => { const lo = price() / 1000; const text = `algo entre ${lo} y ${lo + 80} mil del ${year()} en adelante`; return () => catalog.search(catalog.parse(text).query); }],
  ];
  for (let i = 0; i < 2000; i++) KINDS[i % KINDS.length]![1]()(); // warm-up
  typoTexts = typoFound = 0;
  const timings = new Timings();
  for (let i = 0; i < CALLS; i++) {
    const [kind, make] = KINDS[i % KINDS.length]!;
    const call = make();
    timings.timeSync(kind, call);
  }
  console.log(`\n## catalog — ${N.toLocaleString("en")} cars generated from data/catalog.csv's ${sample.length} rows (seed ${SEED}); built in ${buildMs.toFixed(0)} ms; heap +${mib(heap)} MiB${globalThis.gc ? "" : " (no --expose-gc: heap delta without a GC)"}`);
  console.log(LATENCY_HEADER.replace("kind", "query"));
  for (const [kind, list] of timings.wall) console.log(latencyRow(kind, list, timings.cpu.get(kind)!));
  console.log(latencyRow("all", [...timings.wall.values()].flat(), [...timings.cpu.values()].flat(), true));
  console.log(`typo'd model read back as the intended model: ${typoFound} of ${typoTexts}`);
}

function classifierBench() {
  const n = Number(values.messages);
  const texts = [...loadIntentExamples(HELD_OUT_FILE).map((e) => e.text), ...SCRIPTS.flat()];
  const c = shared.classifier;
  for (let i = 0; i < 2000; i++) c.classify(texts[i % texts.length]!); // warm-up
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) c.classify(texts[i % texts.length]!);
  const cpu = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  const timings = new Timings();
  for (let i = 0; i < n; i++) timings.timeSync("one message", () => c.classify(texts[i % texts.length]!));
  console.log(`\n## classifier — ${n} messages, one at a time (the held-out file and the scripts' messages, ${texts.length} distinct)`);
  console.log(`throughput: ${(n / seconds).toFixed(0)} messages/s wall, ${(n / ((cpu.user + cpu.system) / 1e6)).toFixed(0)} messages/s of CPU`);
  console.log(LATENCY_HEADER);
  console.log(latencyRow("one message", timings.wall.get("one message")!, timings.cpu.get("one message")!));
}

async function memory() {
  const C = Number(values.conversations);
  const EVERY = Math.max(1, Number(values.every));
  const INFLIGHT = Number(values.inflight);
  const budgetMs = Number(values["soak-minutes"]) * 60_000;
  const dir = mkdtempSync(join(tmpdir(), "care-graph-bench-soak-"));
  const path = join(dir, "care.sqlite");
  const { store, checkpointer, memory: longTerm } = openSqlite(path);
  const invoke = invoker(compileConversationGraph(depsOn(store), checkpointer, longTerm));
  const dbBytes = () => ["", "-wal"].reduce((a, s) => a + (statSync(path + s, { throwIfNoEntry: false })?.size ?? 0), 0);
  Object.assign(outcomes, { interrupts: 0, noReply: 0 });
  console.log(`\n## memory — ${C} conversations × ${TURNS} turns on SQLite (${path}), ${INFLIGHT} conversations in flight${globalThis.gc ? ", after a full GC" : " (no --expose-gc: no GC before a reading)"}`);
  console.log("| conversations | RSS MiB | heap MiB | DB MiB | DB KiB / conversation | turns/s | load average |\n|---|---|---|---|---|---|---|");
  const start = performance.now();
  let done = 0;
  try {
    while (done < C) {
      const n = Math.min(EVERY, C - done);
      const t0 = performance.now();
      await mapPool(Array.from({ length: n }, (_, i) => done + i), INFLIGHT, (i) => converse(invoke, i, TURNS));
      const rate = (n * TURNS) / ((performance.now() - t0) / 1000);
      done += n;
      gc();
      const m = process.memoryUsage();
      console.log(`| ${done} | ${mib(m.rss)} | ${mib(m.heapUsed)} | ${mib(dbBytes())} | ${(dbBytes() / done / 1024).toFixed(1)} | ${rate.toFixed(0)} | ${loadavg()[0]!.toFixed(1)} |`);
      if (budgetMs > 0 && performance.now() - start > budgetMs && done < C) {
        console.log(`stopped at ${done} of ${C} conversations: --soak-minutes ${values["soak-minutes"]} spent`);
        break;
      }
    }
    console.log(`turns ending in an interrupt: ${outcomes.interrupts}; turns without an AI reply last: ${outcomes.noReply}; ${((performance.now() - start) / 1000).toFixed(0)} s`);
    // Where the bytes are: SqliteSaver keeps every step's checkpoint whole (channel values inline), plus its writes.
    const db = new Database(path, { readonly: true });
    const per = (sql: string) => db.prepare(sql).get() as { rows: number; bytes: number };
    for (const [table, sql] of [
      ["checkpoints", "SELECT count(*) AS rows, sum(length(checkpoint) + length(metadata)) AS bytes FROM checkpoints"],
      ["writes", "SELECT count(*) AS rows, sum(length(value)) AS bytes FROM writes"],
      ["memory_items", "SELECT count(*) AS rows, sum(length(value)) AS bytes FROM memory_items"],
    ] as const) {
      const r = per(sql);
      console.log(`${table}: ${(r.rows / done).toFixed(1)} rows and ${(r.bytes / done / 1024).toFixed(1)} KiB of values per conversation`);
    }
    db.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`bench:conversation — node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}, TMPDIR ${tmpdir()}, seed ${SEED}`);
if (ONLY.has("classifier")) classifierBench();
if (ONLY.has("catalog")) catalogBench();
if (ONLY.has("latency")) await latency();
if (ONLY.has("memory")) await memory();
