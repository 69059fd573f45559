import pg from "pg";
const url = "postgres://postgres@127.0.0.1:5432/test";
const listener = new pg.Client(url), sender = new pg.Client(url);
await listener.connect(); await sender.connect();
await listener.query("LISTEN run_events");
const got = [];
listener.on("notification", (m) => got.push(m.payload.length));
for (const n of [100, 7999, 8000]) {
  try { await sender.query("SELECT pg_notify('run_events', $1)", ["x".repeat(n)]); console.log(n, "bytes: sent"); }
  catch (e) { console.log(n, "bytes:", e.message); }
}
// NOTIFY inside a transaction is delivered only at COMMIT, and not at all on ROLLBACK
await sender.query("BEGIN"); await sender.query("SELECT pg_notify('run_events', 'in-tx')");
await new Promise((r) => setTimeout(r, 200)); const before = got.length;
await sender.query("COMMIT"); await new Promise((r) => setTimeout(r, 200));
console.log("received sizes", got, "| delivered before commit:", before < got.length ? "no" : "yes");
await listener.end(); await sender.end();
