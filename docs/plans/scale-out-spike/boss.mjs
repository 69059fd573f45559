import PgBoss from "pg-boss";
import pg from "pg";
const url = "postgres://postgres@127.0.0.1:5432/test";
const schema = `boss_${process.pid}`;
const boss = new PgBoss({ connectionString: url, schema, max: 4 });
boss.on("error", (e) => console.log("boss error", e.message));
await boss.start();
const pool = new pg.Pool({ connectionString: url, max: 2 });
await pool.query(`CREATE TABLE IF NOT EXISTS ${schema}.inbound (sid text primary key)`);
try {
  // 1. enqueue in the same transaction as our own write, through the `db` adapter
  await boss.createQueue("runs", { policy: "standard", retryLimit: 2, retryDelay: 0, expireInSeconds: 60 });
  async function receive(sid, fail) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`INSERT INTO ${schema}.inbound VALUES ($1)`, [sid]);
      const id = await boss.send("runs", { sid }, { db: { executeSql: (text, values) => client.query(text, values) } });
      if (fail) throw new Error("rollback");
      await client.query("COMMIT");
      return id;
    } catch (e) { await client.query("ROLLBACK"); return null; } finally { client.release(); }
  }
  const kept = await receive("SM1", false), dropped = await receive("SM2", true);
  const n = (await pool.query(`select count(*)::int n from ${schema}.job where name='runs'`)).rows[0].n;
  console.log("tx enqueue: committed id", !!kept, "rolled back id", !!dropped, "jobs in table", n);


  // 2. retries then dead letter
  await boss.createQueue("dead");
  await boss.createQueue("flaky", { retryLimit: 2, retryDelay: 0, deadLetter: "dead" });
  const fid = await boss.send("flaky", { x: 1 });
  let attempts = 0;
  for (let i = 0; i < 3; i++) { const [j] = await boss.fetch("flaky"); if (j) { attempts++; await boss.fail("flaky", j.id, { message: `attempt ${attempts} failed` }); } }
  const fj = await boss.getJobById("flaky", fid);
  const [dl] = await boss.fetch("dead", { includeMetadata: true });
  console.log("flaky: attempts", attempts, "state", fj.state, "retryCount", fj.retryCount, "dead letter job data", dl?.data, "output", fj.output);

  // 3. singleton policy + singletonKey = thread id: order and head-of-line blocking
  await boss.createQueue("sq", { policy: "singleton" });
  for (const [k, v] of [["a", "a1"], ["a", "a2"], ["b", "b1"]]) await boss.send("sq", { v }, { singletonKey: k });
  const f1 = await boss.fetch("sq");
  const f2 = await boss.fetch("sq");
  const f3 = await boss.fetch("sq", { batchSize: 5 });
  console.log("singleton: first", f1.map((j) => j.data.v), "second (a1 active)", f2.map((j) => j.data.v), "batch 5", f3.map((j) => j.data.v));
  await boss.complete("sq", f1[0].id);
  console.log("after a1 completes:", (await boss.fetch("sq", { batchSize: 5 })).map((j) => j.data.v));
  const sent = await boss.send("sq", { v: "c1" }, { singletonKey: "c" });
  console.log("send under singleton returns id:", !!sent);
} finally {
  await boss.stop({ graceful: false, wait: true });
  await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end();
}
