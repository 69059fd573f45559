// The run queue as our own tables (works the same on SQLite with `begin immediate`): a thread is claimed with a
// renewable lease (FOR UPDATE SKIP LOCKED), its runs drain in seq order, a dead worker's lease lapses.
import pg from "pg";
import { fork } from "node:child_process";
const url = "postgres://postgres@127.0.0.1:5432/test";
const schema = process.env.SCHEMA ?? `mb_${process.pid}`;
const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 5 });
const LEASE = "2 seconds", MAX_ATTEMPTS = 3;
const tx = async (fn) => { const c = await pool.connect(); try { await c.query("BEGIN"); const r = await fn(c); await c.query("COMMIT"); return r; } catch (e) { await c.query("ROLLBACK"); throw e; } finally { c.release(); } };

export async function enqueue(threadId, payload) {
  return tx(async (c) => {
    await c.query("INSERT INTO threads (thread_id) VALUES ($1) ON CONFLICT DO NOTHING", [threadId]);
    await c.query("SELECT 1 FROM threads WHERE thread_id = $1 FOR UPDATE", [threadId]); // serialises with release()
    const { rows } = await c.query("INSERT INTO runs (thread_id, payload) VALUES ($1, $2) RETURNING run_id", [threadId, payload]);
    await c.query("NOTIFY runs_ready");
    return rows[0].run_id;
  });
}
const claim = (me) => pool.query(`
  UPDATE threads SET lease_owner = $1, lease_until = now() + interval '${LEASE}'
  WHERE thread_id = (SELECT th.thread_id FROM threads th
    WHERE (th.lease_until IS NULL OR th.lease_until < now())
      AND EXISTS (SELECT 1 FROM runs r WHERE r.thread_id = th.thread_id AND r.status IN ('pending','running'))
    LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING thread_id`, [me]).then((r) => r.rows[0]?.thread_id);
const release = (t, me) => tx(async (c) => {
  await c.query("SELECT 1 FROM threads WHERE thread_id = $1 FOR UPDATE", [t]);
  const { rowCount } = await c.query("SELECT 1 FROM runs WHERE thread_id = $1 AND status IN ('pending','running') LIMIT 1", [t]);
  if (rowCount) return false;
  await c.query("UPDATE threads SET lease_owner = NULL, lease_until = NULL WHERE thread_id = $1 AND lease_owner = $2", [t, me]);
  return true;
});
async function drain(t, me) {
  const renew = setInterval(() => pool.query(`UPDATE threads SET lease_until = now() + interval '${LEASE}' WHERE thread_id = $1 AND lease_owner = $2`, [t, me]), 500);
  try {
    for (;;) {
      const { rows: [run] } = await pool.query(
        `UPDATE runs SET status = 'running', attempts = attempts + 1 WHERE run_id = (SELECT run_id FROM runs WHERE thread_id = $1 AND status IN ('pending','running') ORDER BY seq LIMIT 1) RETURNING *`, [t]);
      if (!run) { if (await release(t, me)) return; continue; }
      if (run.attempts > MAX_ATTEMPTS) { await pool.query("UPDATE runs SET status = 'dead', error = 'too many attempts' WHERE run_id = $1", [run.run_id]); continue; }
      await pool.query("INSERT INTO executions (run_id, thread_id, seq, worker) VALUES ($1, $2, $3, $4)", [run.run_id, t, run.seq, me]);
      await new Promise((r) => setTimeout(r, 15)); // the graph
      await pool.query("INSERT INTO effects (run_id) VALUES ($1) ON CONFLICT DO NOTHING", [run.run_id]); // keyed side effect
      // Fenced: only the lease holder marks it done.
      await pool.query(`UPDATE runs SET status = 'success' WHERE run_id = $1 AND EXISTS (SELECT 1 FROM threads WHERE thread_id = $2 AND lease_owner = $3)`, [run.run_id, t, me]);
    }
  } finally { clearInterval(renew); }
}
async function worker(me, slots = 4) {
  const listener = new pg.Client(url); await listener.connect(); await listener.query("LISTEN runs_ready");
  let wake; listener.on("notification", () => wake?.());
  await Promise.all(Array.from({ length: slots }, async () => {
    for (;;) {
      const t = await claim(me);
      if (t) await drain(t, me);
      else await new Promise((r) => { wake = r; setTimeout(r, 250); });
    }
  }));
}
if (process.argv[2] === "worker") await worker(process.argv[3]);
else {
  const admin = new pg.Client(url); await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema};
    CREATE TABLE threads (thread_id text PRIMARY KEY, lease_owner text, lease_until timestamptz);
    CREATE TABLE runs (run_id uuid PRIMARY KEY DEFAULT gen_random_uuid(), thread_id text NOT NULL REFERENCES threads, seq bigserial, payload jsonb, status text NOT NULL DEFAULT 'pending', attempts int NOT NULL DEFAULT 0, error text);
    CREATE INDEX runs_open ON runs (thread_id, seq) WHERE status IN ('pending','running');
    CREATE TABLE executions (run_id uuid, thread_id text, seq bigint, worker text, at timestamptz DEFAULT clock_timestamp());
    CREATE TABLE effects (run_id uuid PRIMARY KEY);`);
  const spawn = (name) => fork(new URL(import.meta.url).pathname, ["worker", name], { env: { ...process.env, SCHEMA: schema } });
  const t0 = Date.now();
  let w1 = spawn("w1"); const w2 = spawn("w2");
  const N_THREADS = 40, PER = 10;
  for (let i = 0; i < PER; i++) await Promise.all(Array.from({ length: N_THREADS }, (_, t) => enqueue(`t${t}`, { i })));
  const count = async (q) => Number((await admin.query(q)).rows[0].n);
  while ((await count("SELECT count(*) n FROM executions")) < 120) await new Promise((r) => setTimeout(r, 20));
  w1.kill("SIGKILL"); console.log("SIGKILLed w1 after", await count("SELECT count(*) n FROM executions"), "executions");
  await new Promise((r) => setTimeout(r, 300)); w1 = spawn("w1b");
  while ((await count("SELECT count(*) n FROM runs WHERE status IN ('pending','running')")) > 0) await new Promise((r) => setTimeout(r, 50));
  console.log(`all ${N_THREADS * PER} runs finished in ${Date.now() - t0} ms`);
  console.log("runs by status", (await admin.query("SELECT status, count(*)::int n FROM runs GROUP BY 1")).rows);
  console.log("effects", await count("SELECT count(*) n FROM effects"), "executions", await count("SELECT count(*) n FROM executions"), "(a run re-executed after the kill shows as an extra execution)");
  // Per-thread order: first executions of a thread's runs, ordered by time, must have increasing seq.
  const bad = await count(`SELECT count(*) n FROM (SELECT thread_id, seq, lag(seq) OVER (PARTITION BY thread_id ORDER BY first_at) prev
    FROM (SELECT thread_id, seq, min(at) first_at FROM executions GROUP BY thread_id, seq) f) x WHERE prev > seq`);
  const overlap = await count(`SELECT count(*) n FROM executions a JOIN executions b ON a.thread_id = b.thread_id AND a.seq <> b.seq AND a.worker <> b.worker AND abs(extract(epoch FROM a.at - b.at)) < 0.005`);
  console.log("out-of-order starts", bad, "| leases left", await count("SELECT count(*) n FROM threads WHERE lease_until > now()"), "| expired leases of", (await admin.query("SELECT lease_owner FROM threads WHERE lease_owner IS NOT NULL")).rows.map((r) => r.lease_owner).join(","), "| by worker", (await admin.query("SELECT worker, count(*)::int n FROM executions GROUP BY 1 ORDER BY 1")).rows.map((r) => `${r.worker}:${r.n}`).join(" "));
  w1.kill(); w2.kill();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.end(); await pool.end();
}
