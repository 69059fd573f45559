// Two workers learn on one namespace at once (PostgreSQL, READ COMMITTED): without a row lock both apply on the
// rows they read and one update is lost; `FOR UPDATE` on the namespace row makes the second wait and reload.
import pg from "pg";
const url = "postgres://postgres@127.0.0.1:5432/test", schema = `seq_${process.pid}`;
const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 4 });
await pool.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; CREATE TABLE policies (namespace text PRIMARY KEY, seq int NOT NULL); CREATE TABLE policy_state (namespace text PRIMARY KEY, pulls int NOT NULL)`);
async function learn(lock) {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(`SELECT seq FROM ${schema}.policies WHERE namespace = 'main' ${lock ? "FOR UPDATE" : ""}`);
    const { rows: [s] } = await c.query(`SELECT pulls FROM ${schema}.policy_state WHERE namespace = 'main'`); // reload
    await new Promise((r) => setTimeout(r, 50)); // the bandit's update
    await c.query(`UPDATE ${schema}.policy_state SET pulls = $1 WHERE namespace = 'main'`, [s.pulls + 1]);
    await c.query(`UPDATE ${schema}.policies SET seq = seq + 1 WHERE namespace = 'main'`);
    await c.query("COMMIT");
  } finally { c.release(); }
}
for (const lock of [false, true]) {
  await pool.query(`INSERT INTO ${schema}.policies VALUES ('main', 0) ON CONFLICT (namespace) DO UPDATE SET seq = 0; INSERT INTO ${schema}.policy_state VALUES ('main', 0) ON CONFLICT (namespace) DO UPDATE SET pulls = 0`);
  await Promise.all([learn(lock), learn(lock)]);
  const { rows: [r] } = await pool.query(`SELECT p.seq, s.pulls FROM ${schema}.policies p JOIN ${schema}.policy_state s USING (namespace)`);
  console.log(lock ? "with FOR UPDATE:" : "without lock:   ", "seq", r.seq, "pulls", r.pulls, r.pulls === 2 ? "(both kept)" : "(an update lost)");
}
await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end();
