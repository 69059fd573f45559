import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { WorkerOptions } from "../../src/app/runs/worker.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { startChildServer, type ChildServer } from "../helpers/child-server.js";
import { customer, tempDbPath, testRuntime } from "../helpers/runtime.js";

const KEY = "runs-api-key";
const customers = [
  customer({ customer_id: "vf", segment: "VF", first_message: "Hola, ¿me confirman el día de entrega?", issue_bucket: "logistica", churn_risk_est: 0.1 }),
  customer({ customer_id: "vf2", segment: "VF", first_message: "¿Cuándo llega mi auto?", issue_bucket: "logistica", churn_risk_est: 0.1 }),
  customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." }),
];

type Db = { dbPath: string } | { postgres: string; schema: string };
const backends: Array<{ name: string; skip: boolean; open(): { db: Db; env: Record<string, string>; drop(): Promise<void> } }> = [
  {
    name: "sqlite",
    skip: false,
    open() {
      const file = tempDbPath();
      return { db: { dbPath: file.path }, env: { CARE_GRAPH_DB: file.path }, drop: async () => file.cleanup() };
    },
  },
  {
    name: "postgres",
    skip: !pgReachable,
    open() {
      const { schema, drop } = freshSchema();
      return { db: { postgres: url, schema }, env: { DATABASE_URL: url, DATABASE_SCHEMA: schema }, drop };
    },
  },
];

/**
 * Every call of the SDK's runs API against a live server, on each backend; a second server process on the
 * same database (`serve --no-worker`) creates, follows and joins runs that the first one's worker executes.
 */
describe.each(backends)("the LangGraph runs API on the durable queue ($name)", (b) => {
  describe.skipIf(b.skip)(b.skip ? "skipped: PostgreSQL not reachable" : "", () => {
    let rt: CareRuntime;
    let server: RunningServer;
    let other: ChildServer;
    let drop: () => Promise<void>;
    let client: Client;
    let remote: Client;

    beforeAll(async () => {
      const opened = b.open();
      drop = opened.drop;
      rt = await testRuntime({ database: opened.db, customers });
      server = await startServer(
        rt,
        ServerConfig.parse({ port: 0, apiKeys: [KEY], ratePerSecond: 1000, rateBurst: 1000 }),
        createLogger({ level: "silent" }),
        undefined,
        WorkerOptions.parse({ slots: 2, pollMs: 50 }),
      );
      client = new Client({ apiUrl: `http://127.0.0.1:${server.port}`, apiKey: KEY });
      other = await startChildServer({ ...opened.env, CARE_GRAPH_API_KEYS: KEY, WORKER_POLL_MS: "50" }, { args: ["serve", "--no-worker"] });
      remote = new Client({ apiUrl: other.url, apiKey: KEY });
    }, 60_000);
    afterAll(async () => {
      other?.proc.kill("SIGTERM");
      await other?.exited;
      await server?.close();
      await rt?.close();
      await drop?.();
    });

    it("runs a background run with no client attached; runs.get, list and join read it from another process", async () => {
      const thread = await remote.threads.create();
      let created: { run_id: string; thread_id?: string } | undefined;
      const run = await remote.runs.create(thread.thread_id, "care", { input: { customer_id: "vf" }, onRunCreated: (r) => void (created = r) });
      expect(run.status).toBe("pending");
      expect(created).toEqual({ run_id: run.run_id, thread_id: thread.thread_id });
      // Nobody joins: the first server's worker takes it.
      await vi.waitFor(async () => expect((await remote.runs.get(thread.thread_id, run.run_id)).status).toBe("success"), { timeout: 20_000, interval: 50 });
      expect((await rt.store.runs.get(run.run_id))!.worker).toMatch(new RegExp(`:${process.pid}:`));
      const values = (await remote.runs.join(thread.thread_id, run.run_id)) as Record<string, any>;
      expect(values.contact.outcome.status).toBe("scored");
      expect((await remote.runs.list(thread.thread_id)).map((r) => r.run_id)).toEqual([run.run_id]);
      expect((await remote.threads.get(thread.thread_id)).status).toBe("idle");
      // threads.copy on this backend's checkpointer: the same state and history under a new id.
      const copy = await remote.threads.copy(thread.thread_id);
      expect((await remote.threads.getState(copy.thread_id)).values).toEqual((await remote.threads.getState(thread.thread_id)).values);
      expect((await remote.threads.getHistory(copy.thread_id, { limit: 100 })).length).toBe((await remote.threads.getHistory(thread.thread_id, { limit: 100 })).length);
      expect(await rt.store.interactions.list({})).toEqual(expect.arrayContaining([expect.objectContaining({ thread_id: thread.thread_id })]));
    });

    it("joins a run's stream from the other process, and resumes it after a Last-Event-ID", async () => {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "care", { input: { customer_id: "vf2" }, streamMode: ["values", "updates"] });
      const events: Array<{ event: string; data: any }> = [];
      for await (const e of remote.runs.joinStream(thread.thread_id, run.run_id)) events.push(e as never);
      expect(events[0]).toMatchObject({ event: "metadata", data: { run_id: run.run_id, attempt: 1 } });
      expect(events.filter((e) => e.event === "updates").map((e) => Object.keys(e.data)[0])).toContain("router");
      expect(events.at(-1)).toMatchObject({ event: "values", data: { contact: { outcome: { status: "scored" } } } });
      const rest: string[] = [];
      for await (const e of remote.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: "2" })) rest.push(e.event);
      expect(rest).toEqual(events.slice(2).map((e) => e.event));
    });

    it("waits and streams through the queue (threaded and stateless), with a hand-off on an interrupt", async () => {
      const wait = (await client.runs.wait(null, "care", { input: { customer_id: "vf" } })) as Record<string, any>;
      expect(wait.contact.outcome.status).toBe("scored");
      const streamed: string[] = [];
      for await (const e of remote.runs.stream(null, "care", { input: { customer_id: "vf2" }, streamMode: "values" })) streamed.push(e.event);
      expect(streamed[0]).toBe("metadata");
      expect(streamed).toContain("values");

      const thread = await client.threads.create();
      const paused = (await remote.runs.wait(thread.thread_id, "care", { input: { customer_id: "legal" } })) as Record<string, any>;
      expect(paused.__interrupt__[0].value[0].action_request.action).toBe("reply_to_customer");
      expect((await client.threads.get(thread.thread_id)).status).toBe("interrupted");
      expect((await rt.store.ownership.get("legal")).owner).toBe("human");
      const found = await client.threads.search({ status: "interrupted" });
      expect(found.map((t) => t.thread_id)).toContain(thread.thread_id);
      expect((await client.threads.search({ status: "idle", limit: 100 })).map((t) => t.thread_id)).not.toContain(thread.thread_id);
    });

    it("refuses a second run on a busy thread with multitask_strategy reject (409), queues it with enqueue, and cancels a pending run", async () => {
      const thread = await client.threads.create();
      // Held: the worker does not take it until released, so the thread stays busy for the test.
      await server.close();
      const held = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: [KEY] }), createLogger({ level: "silent" }), undefined, null);
      const idle = new Client({ apiUrl: `http://127.0.0.1:${held.port}`, apiKey: KEY });
      try {
        const first = await idle.runs.create(thread.thread_id, "care", { input: { customer_id: "vf" } });
        expect((await idle.threads.get(thread.thread_id)).status).toBe("busy");
        await expect(idle.runs.create(thread.thread_id, "care", { input: { customer_id: "vf" } })).rejects.toThrow(/409/);
        const second = await idle.runs.create(thread.thread_id, "care", { input: { customer_id: "vf" }, multitaskStrategy: "enqueue" });
        expect(second.status).toBe("pending");
        await idle.runs.cancel(thread.thread_id, second.run_id);
        expect((await idle.runs.get(thread.thread_id, second.run_id)).status).toBe("interrupted");
        await idle.runs.cancel(thread.thread_id, first.run_id, true);
        expect((await idle.runs.get(thread.thread_id, first.run_id)).status).toBe("interrupted");
        expect(await rt.store.runs.open(thread.thread_id)).toEqual([]);
      } finally {
        await held.close();
        server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: [KEY] }), createLogger({ level: "silent" }), undefined, WorkerOptions.parse({ slots: 2, pollMs: 50 }));
        client = new Client({ apiUrl: `http://127.0.0.1:${server.port}`, apiKey: KEY });
      }
    });

    it("answers 404 for a run of another thread, 400 for rollback, and names the field of a bad request", async () => {
      const a = await client.threads.create();
      const b2 = await client.threads.create();
      const run = await client.runs.create(a.thread_id, "care", { input: { customer_id: "vf" } });
      await expect(client.runs.get(b2.thread_id, run.run_id)).rejects.toThrow(/404/);
      await expect(client.runs.cancel(a.thread_id, run.run_id, false, "rollback")).rejects.toThrow(/400/);
      const res = await fetch(`http://127.0.0.1:${server.port}/threads/${a.thread_id}/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ assistant_id: "care", input: { customer_id: "vf" }, multitask_strategy: "sometimes" }),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/body\.multitask_strategy/);
      await client.runs.join(a.thread_id, run.run_id);
    });
  });
});
