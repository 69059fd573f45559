/**
 * What LangGraph's interrupt costs, apart from our graph: a bare 5-node graph on SqliteSaver (async
 * durability) where node c calls `interrupt()` for a share of the runs, so an interrupted run executes 3
 * nodes instead of 5. Same process, interleaved, at 1 and 16 runs in flight. Not a test: it prints figures.
 *
 *   npm run bench:interrupts -- [--runs 1500] [--rounds 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Annotation, END, START, StateGraph, interrupt } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { mapPool } from "../src/sim/pool.js";
import { openDb } from "../src/store/db.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "1500" }, rounds: { type: "string", default: "3" } } });
const RUNS = Number(values.runs);
const ROUNDS = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), "care-graph-interrupts-"));

function graph(name: string, share: number) {
  const State = Annotation.Root({ x: Annotation<number> });
  const step = (s: typeof State.State) => ({ x: s.x + 1 });
  // A fixed hash of the run's input picks the interrupted runs: the same ones every round.
  const maybeAsk = (s: typeof State.State) => {
    if (((s.x * 2654435761) >>> 0) % 1000 < share * 1000) interrupt({ ask: "a person", x: s.x });
    return { x: s.x + 1 };
  };
  return new StateGraph(State)
    .addNode("a", step).addNode("b", step).addNode("c", maybeAsk).addNode("d", step).addNode("e", step)
    .addEdge(START, "a").addEdge("a", "b").addEdge("b", "c").addEdge("c", "d").addEdge("d", "e").addEdge("e", END)
    .compile({ checkpointer: new SqliteSaver(openDb(join(dir, `${name}.sqlite`))) });
}

let seq = 0;
async function rate(g: ReturnType<typeof graph>, n: number, inflight: number) {
  const t0 = performance.now();
  await mapPool(Array.from({ length: n }, (_, i) => i), inflight, (i) => g.invoke({ x: i }, { configurable: { thread_id: `t${seq++}` }, durability: "async" }));
  return n / ((performance.now() - t0) / 1000);
}

const shares = [0, 0.07, 0.5];
const graphs = shares.map((s) => graph(`share-${s}`, s));
console.log(`bench:interrupts — ${RUNS} runs × ${ROUNDS} rounds, node ${process.version}; runs/s and the ratio to no interrupts`);
try {
  for (const inflight of [1, 16]) {
    for (const g of graphs) await rate(g, 200, inflight); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      const rates: number[] = [];
      for (const g of graphs) rates.push(await rate(g, RUNS, inflight));
      console.log(`${String(inflight).padStart(2)} in flight: ` + shares.map((s, i) => `${(100 * s).toFixed(0)}% interrupted ${rates[i]!.toFixed(0)}/s (${(rates[i]! / rates[0]!).toFixed(2)})`).join(" · "));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
