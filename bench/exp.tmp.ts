import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { mapPool } from "../src/sim/pool.js";
import { openDb } from "../src/store/db.js";
const mk = (channels: number, withDefault: boolean, writeKeys: number) => {
  const db = openDb(`/tmp/exp-${channels}-${withDefault}-${writeKeys}-${Date.now()}.sqlite`);
  const def: Record<string, any> = { x: Annotation<number> };
  for (let i = 0; i < channels - 1; i++) def["c" + i] = withDefault ? Annotation<number | null>({ reducer: (_a: any, b: any) => b, default: () => null }) : Annotation<number | undefined>;
  const State = Annotation.Root(def);
  const step = (s: any) => { const u: any = { x: s.x + 1 }; for (let k = 1; k < writeKeys; k++) u["c" + k] = k; return u; };
  const names = ["a", "b", "c", "d", "e"];
  let g: any = new StateGraph(State);
  names.forEach((n) => (g = g.addNode(n, step)));
  g = g.addEdge(START, "a");
  names.forEach((n, i) => (g = g.addEdge(n, names[i + 1] ?? END)));
  return g.compile({ checkpointer: new SqliteSaver(db) });
};
let seq = 0;
const configs = [[1, false, 1], [15, false, 1], [15, true, 1], [15, false, 3]] as const;
const graphs = configs.map(([c, d, w]) => mk(c, d, w));
const res: number[][] = configs.map(() => []);
for (let round = 0; round < 3; round++)
  for (let k = 0; k < configs.length; k++) {
    const graph = graphs[k];
    const run = (i: number) => graph.invoke({ x: i }, { configurable: { thread_id: `t${seq++}` }, durability: "async" });
    if (round === 0) await mapPool(Array.from({ length: 200 }, (_, i) => i), 16, run);
    const t0 = performance.now();
    await mapPool(Array.from({ length: 1000 }, (_, i) => i), 16, run);
    res[k]!.push(1000 / ((performance.now() - t0) / 1000));
  }
configs.forEach((c, k) => console.log(`channels=${c[0]} default=${c[1]} writes/node=${c[2]}: ${res[k]!.map((x) => x.toFixed(0)).join(" ")}`));
