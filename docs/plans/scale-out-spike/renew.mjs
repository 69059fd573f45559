// A lease renewed by touching started_on: the job outlives expireInSeconds while its worker lives.
import PgBoss from "pg-boss";
const schema = `renew_${process.pid}`;
const boss = new PgBoss({ connectionString: "postgres://postgres@127.0.0.1:5432/test", schema, maintenanceIntervalSeconds: 1 });
await boss.start();
await boss.createQueue("runs", { expireInSeconds: 2, retryLimit: 3, retryDelay: 0 });
const id = await boss.send("runs", {});
const [job] = await boss.fetch("runs");
const renew = setInterval(() => boss.getDb().executeSql(`UPDATE ${schema}.job SET started_on = now() WHERE name = $1 AND id = $2 AND state = 'active'`, ["runs", job.id]), 700);
await new Promise((r) => setTimeout(r, 5000));
console.log("after 5 s with renewals (expireIn 2 s):", (await boss.getJobById("runs", id)).state);
clearInterval(renew);
await new Promise((r) => setTimeout(r, 3500));
console.log("3.5 s after renewals stopped:", (await boss.getJobById("runs", id)).state);
console.log("complete() of an expired job counts:", await boss.complete("runs", id));
await boss.stop({ graceful: false, wait: true });
const pg = (await import("pg")).default; const c = new pg.Client("postgres://postgres@127.0.0.1:5432/test"); await c.connect(); await c.query(`DROP SCHEMA ${schema} CASCADE`); await c.end();
