// SqliteSaver on Kysely's one SQLite connection: each saver call waits for Kysely's mutex, so graph checkpoints never
// land inside (or get rolled back with) a transaction of ours that is open meanwhile.
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { StateGraph, Annotation, START, END } from "@langchain/langgraph";
import { Kysely, SqliteDialect, CompiledQuery } from "kysely";
import Database from "better-sqlite3";

class LockedSqliteSaver extends SqliteSaver {
  constructor(raw, kysely) { super(raw); this.kysely = kysely; }
  locked(fn) { return this.kysely.connection().execute(fn); }
  getTuple(config) { return this.locked(() => super.getTuple(config)); }
  put(...a) { return this.locked(() => super.put(...a)); }
  putWrites(...a) { return this.locked(() => super.putWrites(...a)); }
  deleteThread(id) { return this.locked(() => super.deleteThread(id)); }
  async *list(config, options) { // collect under the lock, yield outside it
    const page = await this.locked(async () => { const out = []; for await (const t of super.list(config, options)) out.push(t); return out; });
    yield* page;
  }
}
const variant = process.argv[2] ?? "locked";
const raw = new Database(":memory:");
raw.exec("create table interactions (id text primary key, n int)");
const db = new Kysely({ dialect: new SqliteDialect({ database: raw }) });
const saver = variant === "locked" ? new LockedSqliteSaver(raw, db) : new SqliteSaver(raw);
const S = Annotation.Root({ id: Annotation(), n: Annotation() });
const graph = new StateGraph(S)
  .addNode("log", async (s) => {
    // our transaction; every 3rd one fails and rolls back after an await
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("interactions").values({ id: s.id, n: 1 }).execute();
      await new Promise((r) => setTimeout(r, 5));
      if (Number(s.id.slice(1)) % 3 === 0) throw new Error("rollback");
    }).catch(() => {});
    return { n: 1 };
  })
  .addNode("after", async () => ({ n: 2 }))
  .addEdge(START, "log").addEdge("log", "after").addEdge("after", END)
  .compile({ checkpointer: saver });
const ids = Array.from({ length: 30 }, (_, i) => `t${i}`);
const results = await Promise.allSettled(ids.map((id) => graph.invoke({ id, n: 0 }, { configurable: { thread_id: id } })));
let complete = 0;
for (const id of ids) { const st = await graph.getState({ configurable: { thread_id: id } }); if (st.values.n === 2 && st.next.length === 0) complete++; }
const rows = raw.prepare("select count(*) n from interactions").get().n;
console.log(variant, "| invokes ok", results.filter((r) => r.status === "fulfilled").length, "/ 30 | threads whose saved state is complete", complete, "/ 30 | our rows", rows, "(expected 20)");
await db.destroy();
