// SqliteSaver and Kysely on one better-sqlite3 connection: a write made by the saver while a Kysely
// transaction is open (awaiting) joins that transaction and is rolled back with it.
import { Kysely, SqliteDialect } from "kysely";
import Database from "better-sqlite3";
const raw = new Database(":memory:");
raw.exec("create table ours (x); create table checkpoints (x)");
const db = new Kysely({ dialect: new SqliteDialect({ database: raw }) });
let release;
const tx = db.transaction().execute(async (trx) => {
  await trx.insertInto("ours").values({ x: 1 }).execute();
  await new Promise((r) => (release = r));
  throw new Error("rollback");
}).catch(() => {});
await new Promise((r) => setTimeout(r, 20));
raw.prepare("insert into checkpoints values (42)").run(); // what SqliteSaver.put would do meanwhile
release(); await tx;
console.log("checkpoint row after the other transaction rolled back:", raw.prepare("select count(*) n from checkpoints").get().n);
