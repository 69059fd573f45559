// What the official SDK Client sends and accepts, against a stub of the runs routes (Hono on a real port).
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import { streamSSE } from "hono/streaming";
import { Client } from "@langchain/langgraph-sdk";
const T = "0190f0c4-0000-7000-8000-000000000001", R = "0190f0c4-0000-7000-8000-0000000000aa";
const seen: string[] = [];
const run = { run_id: R, thread_id: T, assistant_id: "care", status: "pending", metadata: {}, multitask_strategy: "enqueue", created_at: "x", updated_at: "x" };
const app = new Hono()
  .use(async (c, next) => { seen.push(`${c.req.method} ${c.req.path}${new URL(c.req.url).search} body=${JSON.stringify(await c.req.text()).slice(0, 80)} last-event-id=${c.req.header("last-event-id") ?? "-"}`); await next(); })
  .post("/threads/:t/runs", (c) => { c.header("Content-Location", `/threads/${T}/runs/${R}`); return c.json(run); })
  .get("/threads/:t/runs/:r", (c) => c.json({ ...run, status: "success" }))
  .get("/threads/:t/runs", (c) => c.json([run]))
  .get("/threads/:t/runs/:r/join", (c) => c.json({ contact: { outcome: { status: "scored" } } }))
  .get("/threads/:t/runs/:r/stream", (c) => streamSSE(c, async (s) => {
    const from = Number(c.req.header("last-event-id") ?? 0);
    for (let i = from + 1; i <= 3; i++) await s.writeSSE({ id: String(i), event: i === 1 ? "metadata" : "values", data: JSON.stringify(i === 1 ? { run_id: R } : { step: i }) });
  }))
  .post("/threads/:t/runs/:r/cancel", (c) => c.body(null, 202))
  .post("/threads/:t/copy", (c) => c.json({ thread_id: "copy", status: "idle", metadata: {} }))
  .post("/threads/search", (c) => c.json([]))
  .get("/assistants/:a/schemas", (c) => c.json({ graph_id: "care", input_schema: {}, output_schema: {}, state_schema: {}, config_schema: {}, context_schema: {} }));
const server = serve({ fetch: app.fetch, port: 0 });
await new Promise((r) => server.once("listening", r));
const port = (server.address() as { port: number }).port;
const client = new Client({ apiUrl: `http://127.0.0.1:${port}` });
let created: unknown;
const out: Record<string, unknown> = {};
out.create = (await client.runs.create(T, "care", { input: { customer_id: "c1" }, multitaskStrategy: "enqueue", onRunCreated: (m) => (created = m) })).status;
out.onRunCreated = created;
out.get = (await client.runs.get(T, R)).status;
out.list = (await client.runs.list(T, { status: "pending" })).length;
out.join = await client.runs.join(T, R);
const events: string[] = []; for await (const e of client.runs.joinStream(T, R)) events.push(`${e.event}:${JSON.stringify(e.data)}`);
out.joinStream = events;
const resumed: string[] = []; for await (const e of client.runs.joinStream(T, R, { lastEventId: "2" })) resumed.push(e.event);
out.joinStreamFrom2 = resumed;
out.cancel = await client.runs.cancel(T, R).then((v) => `ok ${JSON.stringify(v)}`, (e) => `THREW ${e.message}`);
out.cancelWait = await client.runs.cancel(T, R, true, "rollback").then((v) => `ok ${JSON.stringify(v)}`, (e) => `THREW ${e.message}`);
out.copy = (await client.threads.copy(T)).thread_id;
out.search = await client.threads.search({ status: "busy", metadata: { customer_id: "c1" } });
out.schemas = Object.keys(await client.assistants.getSchemas("care"));
console.log(JSON.stringify(out, null, 1)); console.log(seen.join("\n"));
server.close();
