// The queue's claim as one Kysely query for both dialects: SKIP LOCKED only where it exists.
import { open } from "./db.mjs";
import { sql } from "kysely";
const kind = process.argv[2], schema = `claim_${process.pid}`;
const h = open(kind, schema);
const now = kind === "postgres" ? sql`now()` : sql`strftime('%Y-%m-%dT%H:%M:%fZ','now')`;
const later = (s) => kind === "postgres" ? sql`now() + make_interval(secs => ${s})` : sql`strftime('%Y-%m-%dT%H:%M:%fZ','now', ${`+${s} seconds`})`;
try {
  if (kind === "postgres") await sql.raw(`CREATE SCHEMA ${schema}`).execute(h.db);
  await h.db.schema.createTable("threads").addColumn("thread_id", "text", (c) => c.primaryKey()).addColumn("lease_owner", "text").addColumn("lease_until", kind === "postgres" ? "timestamptz" : "text").execute();
  await h.db.schema.createTable("runs").addColumn("run_id", "text", (c) => c.primaryKey()).addColumn("thread_id", "text").addColumn("seq", "integer").addColumn("status", "text").execute();
  await h.db.insertInto("threads").values([{ thread_id: "a" }, { thread_id: "b" }]).execute();
  await h.db.insertInto("runs").values([{ run_id: "r1", thread_id: "a", seq: 1, status: "pending" }, { run_id: "r2", thread_id: "b", seq: 2, status: "pending" }]).execute();
  const claim = (me) => h.db.transaction().execute((trx) => trx.updateTable("threads")
    .set({ lease_owner: me, lease_until: later(30) })
    .where("thread_id", "=", (eb) => eb.selectFrom("threads as th").select("th.thread_id")
      .where((w) => w.or([w("th.lease_until", "is", null), w("th.lease_until", "<", now)]))
      .where((w) => w.exists(w.selectFrom("runs as r").select("r.run_id").whereRef("r.thread_id", "=", "th.thread_id").where("r.status", "in", ["pending", "running"])))
      .orderBy("th.thread_id").limit(1)
      .$if(kind === "postgres", (q) => q.forUpdate().skipLocked()))
    .returning(["thread_id", "lease_until"]).executeTakeFirst());
  console.log(kind, "claims:", await claim("w1"), await claim("w2"), await claim("w3"));
} finally {
  if (kind === "postgres") await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(h.db);
  await h.db.destroy();
}
