import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { PostgresStore } from "@langchain/langgraph-checkpoint-postgres/store";
import { StateGraph, Annotation, START, END } from "@langchain/langgraph";
import pg from "pg";
const url = "postgres://postgres@127.0.0.1:5432/test";
const schema = `lg_${process.pid}`;
const admin = new pg.Client(url); await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
try {
  const saver = PostgresSaver.fromConnString(url, { schema });
  await saver.setup();
  const store = PostgresStore.fromConnString(url, { schema });
  await store.setup();
  const S = Annotation.Root({ n: Annotation(), profile: Annotation() });
  const graph = new StateGraph(S)
    .addNode("remember", async (s, config) => {
      await config.store.put(["profiles", "c1"], "prefs", { language: "es", n: s.n });
      const item = await config.store.get(["profiles", "c1"], "prefs");
      return { n: s.n + 1, profile: item.value };
    })
    .addEdge(START, "remember").addEdge("remember", END)
    .compile({ checkpointer: saver, store });
  const out = await graph.invoke({ n: 1 }, { configurable: { thread_id: "t1" } });
  console.log("graph out", out);
  const st = await graph.getState({ configurable: { thread_id: "t1" } });
  console.log("checkpoint values", st.values, "next", st.next);
  console.log("search", (await store.search(["profiles"], { filter: { language: "es" } })).map((i) => [i.namespace, i.key, i.value]));
  console.log("listNamespaces", await store.listNamespaces({ prefix: ["profiles"] }));
  const tables = await admin.query(`select table_name from information_schema.tables where table_schema=$1 order by 1`, [schema]);
  console.log("tables in schema", tables.rows.map((r) => r.table_name).join(","));
  const pub = await admin.query(`select count(*) from information_schema.tables where table_schema='public' and table_name in ('checkpoints','store')`);
  console.log("leaked into public:", pub.rows[0].count);
  await store.stop(); await saver.end();
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.end();
}
