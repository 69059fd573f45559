// Enqueue → start latency of the table queue woken by NOTIFY (idle, one worker in another process... here: same process,
// separate connections), 300 runs one after another; and the NOTIFY round trip alone.
import pg from "pg";
const url = "postgres://postgres@127.0.0.1:5432/test", schema = `lat_${process.pid}`;
const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 4 });
await pool.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema};
  CREATE TABLE threads (thread_id text PRIMARY KEY, lease_owner text, lease_until timestamptz);
  CREATE TABLE runs (run_id bigserial PRIMARY KEY, thread_id text NOT NULL, status text NOT NULL DEFAULT 'pending', enqueued double precision)`);
const listener = new pg.Client(url); await listener.connect(); await listener.query("LISTEN runs_ready");
let wake = () => {}; listener.on("notification", () => wake());
const lat = [];
let stop = false;
const worker = (async () => {
  while (!stop) {
    const { rows } = await pool.query(`UPDATE runs SET status = 'running' WHERE run_id = (SELECT run_id FROM runs WHERE status = 'pending' ORDER BY run_id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING enqueued`);
    if (rows[0]) { lat.push(performance.timeOrigin + performance.now() - rows[0].enqueued); continue; }
    await new Promise((r) => { wake = r; setTimeout(r, 250); });
  }
})();
for (let i = 0; i < 300; i++) {
  const c = await pool.connect();
  await c.query("BEGIN"); await c.query("INSERT INTO runs (thread_id, enqueued) VALUES ($1, $2)", [`t${i}`, performance.timeOrigin + performance.now()]);
  await c.query("NOTIFY runs_ready"); await c.query("COMMIT"); c.release();
  await new Promise((r) => setTimeout(r, 5));
}
while (lat.length < 300) await new Promise((r) => setTimeout(r, 10));
stop = true; wake(); await worker;
lat.sort((a, b) => a - b);
console.log(`enqueue→start at idle, 300 runs: p50 ${lat[150].toFixed(2)} ms, p99 ${lat[296].toFixed(2)} ms, max ${lat[299].toFixed(2)} ms`);
await pool.query(`DROP SCHEMA ${schema} CASCADE`); await listener.end(); await pool.end();
