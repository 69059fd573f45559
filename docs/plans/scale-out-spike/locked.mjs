// Same as interleave.mjs, but the saver's write waits for Kysely's connection (its mutex): it lands after
// the other transaction ends, on its own.
import { Kysely, SqliteDialect } from "kysely";
import Database from "better-sqlite3";
const raw = new Database(":memory:");
raw.exec("create table ours (x); create table checkpoints (x)");
const db = new Kysely({ dialect: new SqliteDialect({ database: raw }) });
const underLock = (fn) => db.connection().execute(async () => fn()); // what a LockedSqliteSaver wraps each method in
let release;
const tx = db.transaction().execute(async (trx) => {
  await trx.insertInto("ours").values({ x: 1 }).execute();
  await new Promise((r) => (release = r));
  throw new Error("rollback");
}).catch(() => {});
await new Promise((r) => setTimeout(r, 20));
const put = underLock(() => raw.prepare("insert into checkpoints values (42)").run());
release(); await tx; await put;
console.log("checkpoint rows:", raw.prepare("select count(*) n from checkpoints").get().n, "ours:", raw.prepare("select count(*) n from ours").get().n);
