// Two processes on one SQLite file, read-then-write transactions. Kysely's SqliteDriver says `begin` (deferred):
// the read-to-write upgrade fails with SQLITE_BUSY without waiting for busy_timeout. `begin immediate` waits.
import { Kysely, SqliteDialect, SqliteDriver, CompiledQuery } from "kysely";
import Database from "better-sqlite3";
import { fork } from "node:child_process";
const mode = process.argv[3] ?? "deferred";
class ImmediateDialect extends SqliteDialect {
  createDriver() {
    const d = super.createDriver();
    d.beginTransaction = (conn) => conn.executeQuery(CompiledQuery.raw("begin immediate"));
    return d;
  }
}
const file = "/tmp/spike/two.sqlite";
if (process.argv[2] === "child") {
  const sq = new Database(file); sq.pragma("busy_timeout = 5000");
  const db = new Kysely({ dialect: mode === "immediate" ? new ImmediateDialect({ database: sq }) : new SqliteDialect({ database: sq }) });
  let busy = 0;
  for (let i = 0; i < 300; i++) {
    try {
      await db.transaction().execute(async (trx) => {
        const { n } = await trx.selectFrom("c").select("n").executeTakeFirstOrThrow();
        await new Promise((r) => setImmediate(r));
        await trx.updateTable("c").set({ n: n + 1 }).execute();
      });
    } catch (e) { busy++; }
  }
  process.send({ busy }); process.exit(0);
} else {
  const fs = await import("node:fs"); for (const f of [file, file + "-wal", file + "-shm"]) fs.rmSync(f, { force: true });
  const sq = new Database(file); sq.pragma("journal_mode = WAL"); sq.exec("create table c (n integer); insert into c values (0)");
  const kids = [0, 1].map(() => fork(new URL(import.meta.url).pathname, ["child", mode]));
  const res = await Promise.all(kids.map((k) => new Promise((r) => k.on("message", r))));
  console.log(mode, "failed tx:", res.map((r) => r.busy), "counter", sq.prepare("select n from c").get().n, "of 600");
}
