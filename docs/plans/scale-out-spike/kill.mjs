import PgBoss from "pg-boss";
import { fork } from "node:child_process";
const url = "postgres://postgres@127.0.0.1:5432/test";
const schema = process.env.SCHEMA ?? `kill_${process.pid}`;
const opts = { connectionString: url, schema, max: 2, maintenanceIntervalSeconds: 1, monitorStateIntervalSeconds: 1 };
if (process.argv[2] === "worker") {
  const boss = new PgBoss(opts); await boss.start();
  await boss.work("runs", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    process.send({ took: job.id, at: Date.now() });
    await new Promise(() => {}); // hangs until SIGKILLed
  });
} else {
  const boss = new PgBoss(opts); await boss.start();
  await boss.createQueue("runs", { expireInSeconds: 2, retryLimit: 3, retryDelay: 0 });
  const id = await boss.send("runs", { n: 1 });
  const child = fork(new URL(import.meta.url).pathname, ["worker"], { env: { ...process.env, SCHEMA: schema } });
  const took = await new Promise((r) => child.on("message", r));
  child.kill("SIGKILL"); const killedAt = Date.now();
  console.log("worker took job, SIGKILLed it");
  let j; while ((j = await boss.getJobById("runs", id)).state === "active") await new Promise((r) => setTimeout(r, 100));
  console.log(`state after ${Date.now() - killedAt} ms: ${j.state}, retryCount ${j.retryCount}, output`, j.output);
  const started = Date.now();
  await boss.work("runs", { pollingIntervalSeconds: 0.5 }, async ([job]) => console.log(`second worker got it after ${Date.now() - killedAt} ms since kill, retryCount ${job.retryCount ?? "?"}`));
  while ((await boss.getJobById("runs", id)).state !== "completed") await new Promise((r) => setTimeout(r, 100));
  console.log("completed; total recovery", Date.now() - killedAt, "ms");
  await boss.stop({ graceful: false, wait: true });
  const pg = (await import("pg")).default; const c = new pg.Client(url); await c.connect(); await c.query(`DROP SCHEMA ${schema} CASCADE`); await c.end();
  process.exit(0);
}
