import { open, migrate } from "./db.mjs";
import { threads, policy } from "./queries.mjs";
import { sql } from "kysely";
const kind = process.argv[2];
const schema = `spike_${process.pid}`;
const h = open(kind, schema);
if (kind === "postgres") { const c = await h.pool.connect(); await c.query(`CREATE SCHEMA ${schema}`); c.release(); }
try {
  console.log(kind, "migrate", await migrate(h), "again", await migrate(h));
  const t = threads(h.db, kind);
  console.log("upsert", await t.upsert("t1", { status: "busy", n: 1 }));
  console.log("upsert2", (await t.upsert("t1", { status: "idle", n: 2 })).metadata);
  await t.upsert("t2", { status: "busy" });
  console.log("byStatus busy", await t.byStatus("busy"));
  const p = policy(h.db);
  const r1 = await h.db.transaction().execute((trx) => p.applyOnce(trx, "i1", "main", 0.5));
  const r2 = await h.db.transaction().execute((trx) => p.applyOnce(trx, "i1", "main", 0.5));
  console.log("applyOnce", r1, r2);
  // rollback: a throw inside the transaction undoes the claim
  await h.db.transaction().execute(async (trx) => { await p.applyOnce(trx, "i2", "main", 1); throw new Error("boom"); }).catch((e) => console.log("rolled back:", e.message));
  console.log("i2 present after rollback?", !!(await h.db.selectFrom("policy_updates").selectAll().where("interaction_id", "=", "i2").executeTakeFirst()));
  // FOR UPDATE SKIP LOCKED
  const q = h.db.selectFrom("threads").select("thread_id").forUpdate().skipLocked().limit(1);
  console.log("skip locked sql:", q.compile().sql);
  try { console.log("skip locked:", await h.db.transaction().execute((trx) => trx.selectFrom("threads").select("thread_id").forUpdate().skipLocked().limit(1).execute())); } catch (e) { console.log("skip locked error:", e.message); }
  // concurrency of transactions on one handle
  const t0 = Date.now();
  await Promise.all([1, 2, 3].map((i) => h.db.transaction().execute(async (trx) => {
    await trx.insertInto("policies").values({ namespace: `c${i}`, seq: 0 }).execute();
    await new Promise((r) => setTimeout(r, 100));
  })));
  console.log("3 concurrent tx with 100ms await each took", Date.now() - t0, "ms");
} finally {
  if (kind === "postgres") await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(h.db);
  await h.db.destroy();
}
