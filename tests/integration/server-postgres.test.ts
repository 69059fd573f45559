import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { addAgents } from "../helpers/agents.js";
import { customer, testRuntime } from "../helpers/runtime.js";
import { checkpointCount } from "../helpers/sql.js";

// The SDK's core calls of server.test.ts, on a runtime opened the way DATABASE_URL opens it.
const KEY = "test-key-pg";

describe.skipIf(!pgReachable)(pgReachable ? "the official LangGraph SDK against a server on PostgreSQL" : "skipped: PostgreSQL not reachable", () => {
  const { schema, drop } = freshSchema();
  let rt: CareRuntime;
  let server: RunningServer;
  let client: Client;
  let base: string;

  beforeAll(async () => {
    rt = await testRuntime({
      database: { postgres: url, schema },
      customers: [
        customer({ customer_id: "vf", segment: "VF", first_message: "Hola, ¿me confirman el día de entrega?", issue_bucket: "logistica", churn_risk_est: 0.1 }),
        customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." }),
      ],
    });
    await addAgents(rt.store);
    server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: [KEY], ratePerSecond: 1000, rateBurst: 1000 }), createLogger({ level: "silent" }));
    base = `http://127.0.0.1:${server.port}`;
    client = new Client({ apiUrl: base, apiKey: KEY });
  });
  afterAll(async () => {
    await server?.close();
    await rt?.close();
    await drop();
  });

  it("creates a thread, runs and waits, reads state and history from PostgresSaver", async () => {
    expect(rt.store.backend).toBe("postgres");
    const thread = await client.threads.create();
    const values = (await client.runs.wait(thread.thread_id, "care", { input: { customer_id: "vf" } })) as Record<string, any>;
    expect(values.contact.outcome.status).toBe("scored");
    const state = await client.threads.getState(thread.thread_id);
    expect((state.values as any).contact.decision.template).toBe(values.contact.decision.template);
    expect(state.next).toEqual([]);
    const history = await client.threads.getHistory(thread.thread_id);
    expect(history.length).toBeGreaterThanOrEqual(6);
    // Durable: the checkpoints are in PostgreSQL, not in the server's memory.
    expect(await checkpointCount(rt, thread.thread_id)).toBe(history.length);
  });

  it("hands off on an interrupt, and resumes once the hand-off is claimed, with metadata.agent", async () => {
    const thread = await client.threads.create();
    const paused = (await client.runs.wait(thread.thread_id, "care", { input: { customer_id: "legal" } })) as Record<string, any>;
    expect(paused.__interrupt__[0].value[0].action_request.action).toBe("reply_to_customer");
    expect((await client.threads.getState(thread.thread_id)).next).toEqual(["human_review"]);
    const handoff = (await rt.store.handoffs.onThread(thread.thread_id))!;
    const claimed = await fetch(`${base}/v1/handoffs/${handoff.interaction_id}/claim`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ agent: "ana" }),
    });
    expect(claimed.status).toBe(200);
    const done = (await client.runs.wait(thread.thread_id, "care", {
      command: { resume: [{ type: "response", args: "Hola, soy Ana de Legal; te llamo en 1 hora." }] },
      metadata: { agent: "ana" },
    })) as Record<string, any>;
    expect(done.contact.outcome.status).toBe("human");
    expect((await rt.store.interactions.get(paused.interaction_id))!.message).toBe("Hola, soy Ana de Legal; te llamo en 1 hora.");
    expect((await rt.store.threads.get(thread.thread_id))!.metadata.status).toBe("done");
    expect((await rt.store.audit.list("legal")).map((a) => [a.actor, a.action])).toEqual(expect.arrayContaining([["ana", "handoff.resumed"]]));
  });

  it("deletes a thread with its checkpoints", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "care", { input: { customer_id: "vf" } });
    expect(await checkpointCount(rt, thread.thread_id)).toBeGreaterThan(0);
    await client.threads.delete(thread.thread_id);
    expect(await checkpointCount(rt, thread.thread_id)).toBe(0);
    await expect(client.threads.get(thread.thread_id)).rejects.toThrow(/404/);
  });
});
