import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { addAgents } from "../helpers/agents.js";
import { customer, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

/** The LangGraph Platform routes tried the way an attacker would: each must keep the care graph's rules. */
const KEY = "platform-rules-key";
let rt: CareRuntime;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  rt = await testRuntime({
    customers: [
      ...["vf", "vf2"].map((id) => customer({ customer_id: id, segment: "VF", first_message: "Hola, ¿me confirman el día de entrega?", issue_bucket: "logistica", churn_risk_est: 0.1 })),
      ...["legal1", "legal2", "legal3", "legal4", "legal5", "legal6", "legal7"].map((id) => customer({ customer_id: id, first_message: "Voy a ir a PROFECO a denunciarlos." })),
    ],
  });
  await addAgents(rt.store);
  server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: [KEY], ratePerSecond: 1000, rateBurst: 1000 }), createLogger({ level: "silent" }));
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await rt.close();
});

const client = () => new Client({ apiUrl: base, apiKey: KEY });
const api = (path: string, method: string, json?: unknown) =>
  fetch(base + path, { method, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: json === undefined ? undefined : JSON.stringify(json) });
const count = (sql: string, ...args: unknown[]) => (rawDb(rt).prepare(sql).get(...args) as { n: number }).n;
const checkpoints = (threadId: string) => count("SELECT count(*) AS n FROM checkpoints WHERE thread_id = ?", threadId);

/** A contact that went to a person: its thread waits on a pending hand-off. */
async function escalated(customerId: string) {
  const c = client();
  const thread = await c.threads.create();
  await c.runs.wait(thread.thread_id, "care", { input: { customer_id: customerId } });
  const handoff = (await rt.store.handoffs.pending()).find((h) => h.thread_id === thread.thread_id)!;
  expect(handoff.status).toBe("pending");
  return { threadId: thread.thread_id, handoffId: handoff.interaction_id };
}

describe("state writes on care threads", () => {
  it("refuses threads.updateState, patchState and supersteps: no made-up score, no hand-off closed behind its queue", async () => {
    const c = client();
    const { threadId, handoffId } = await escalated("legal1");
    const before = checkpoints(threadId);
    const learned = count("SELECT count(*) AS n FROM policy_updates");
    const score = { nps_expected: 9, engagement_prob: 0.9, churn_prob: 0, aspect_sentiment: {}, rationale: "inventado" };

    await expect(c.threads.updateState(threadId, { values: { contact: { score } }, asNode: "judge" })).rejects.toThrow(/403/);
    await expect(c.threads.updateState(threadId, { values: { contact: { review: { action: "response", message: "inyectado" } } }, asNode: "human_review" })).rejects.toThrow(/403/);
    await expect(c.threads.patchState(threadId, { note: "x" })).rejects.toThrow(/403/);
    const refused = await api(`/threads/${threadId}/state`, "POST", { values: { contact: { score } }, as_node: "judge" });
    expect((await refused.json()).error.message).toMatch(/\/v1\/handoffs/);
    // A copy would be a second thread waiting on the same hand-off.
    await expect(c.threads.copy(threadId)).rejects.toThrow(/409/);
    // Nor the protocol routes, which would run commands (input.respond with an update) or buffer them.
    for (const [route, body] of [["commands", { id: 1, method: "input.respond", params: {} }], ["stream/events", { channels: ["values"] }]] as const) {
      const r = await api(`/threads/${threadId}/${route}`, "POST", body);
      await r.body?.cancel();
      expect(r.status, route).toBe(400);
    }
    const supersteps = await api("/threads", "POST", { supersteps: [{ updates: [{ values: { contact: { score } }, as_node: "judge" }] }] });
    expect(supersteps.status).toBe(400);
    expect((await supersteps.json()).error.issues[0].path).toBe("body.supersteps");

    expect(checkpoints(threadId)).toBe(before);
    expect((await rt.store.handoffs.get(handoffId))!.status).toBe("pending");
    expect(count("SELECT count(*) AS n FROM policy_updates")).toBe(learned);
    // Reads still work.
    expect((await c.threads.getState(threadId)).next).toEqual(["human_review"]);
  });

  it("runs only the care assistant, with input or a resume, from where the graph left off", async () => {
    const { threadId } = await escalated("legal2");
    const [first] = (await client().threads.getHistory(threadId)).slice(-1);
    for (const [body, status] of [
      [{ assistant_id: "care", input: null, checkpoint_id: first!.checkpoint.checkpoint_id }, 400],
      [{ assistant_id: "care", input: { customer_id: "vf" }, config: { configurable: { checkpoint_id: first!.checkpoint.checkpoint_id } } }, 400],
      [{ assistant_id: "care", input: { customer_id: "vf" }, interrupt_before: ["policy_update"] }, 400],
      [{ assistant_id: "care", input: { customer_id: "vf" }, langsmith_tracer: { project_name: "theirs" } }, 400],
      [{ assistant_id: "care", input: { customer_id: "vf" }, feedback_keys: ["score"] }, 400],
      [{ assistant_id: "care" }, 400],
      [{ assistant_id: "other", input: { customer_id: "vf" } }, 404],
    ] as const) {
      for (const route of ["runs/stream", "runs/wait"]) expect((await api(`/threads/${threadId}/${route}`, "POST", body)).status, `${route} ${JSON.stringify(body)}`).toBe(status);
    }
    expect((await rt.store.threads.get(threadId))!.metadata).toMatchObject({ graph_id: "care", status: "interrupted" });
  });
});

describe("threads.copy", () => {
  it("copies a finished contact's thread, checkpoints and all, under a new id; the copy takes no new contact", async () => {
    const c = client();
    const thread = await c.threads.create();
    await c.runs.wait(thread.thread_id, "care", { input: { customer_id: "vf" } });
    const copy = await c.threads.copy(thread.thread_id);
    expect(copy.thread_id).not.toBe(thread.thread_id);
    expect(copy.metadata).toMatchObject({ customer_id: "vf", status: "done", graph_id: "care" });
    const [original, copied] = await Promise.all([c.threads.getState(thread.thread_id), c.threads.getState(copy.thread_id)]);
    expect(copied.values).toEqual(original.values);
    expect(copied.next).toEqual([]);
    const [h1, h2] = await Promise.all([c.threads.getHistory(thread.thread_id, { limit: 100 }), c.threads.getHistory(copy.thread_id, { limit: 100 })]);
    expect(h2.map((s) => s.checkpoint.checkpoint_id)).toEqual(h1.map((s) => s.checkpoint.checkpoint_id));
    expect(h2.map((s) => s.values)).toEqual(h1.map((s) => s.values));
    // The copy holds a completed contact, like its original: a new input is refused by the graph's rule.
    const again = await api(`/threads/${copy.thread_id}/runs/wait`, "POST", { assistant_id: "care", input: { customer_id: "vf" }, multitask_strategy: "enqueue" });
    expect(again.status).toBe(409);
    await expect(c.threads.copy("00000000-0000-4000-8000-000000000000")).rejects.toThrow(/404/);
  });
});

describe("background runs", () => {
  it("run with no client attached, through the queue, with the same bookkeeping; an unknown run is a 404", async () => {
    const thread = await client().threads.create();
    const created = await api(`/threads/${thread.thread_id}/runs`, "POST", { assistant_id: "care", input: { customer_id: "vf" }, metadata: { note: "from a batch" } });
    expect(created.status).toBe(200);
    const run = (await created.json()) as { run_id: string; status: string };
    expect(run.status).toBe("pending");
    await vi.waitFor(async () => expect((await rt.store.threads.get(thread.thread_id))!.metadata.status).toBe("done"), { timeout: 10_000, interval: 20 });
    expect((await rt.store.runs.get(run.run_id))!.status).toBe("success");
    const unknown = "019a0000-0000-7000-8000-000000000000";
    for (const [method, route] of [["GET", `runs/${unknown}/stream`], ["POST", `runs/${unknown}/cancel`], ["GET", `runs/${unknown}`]] as const) {
      const r = await api(`/threads/${thread.thread_id}/${route}`, method, method === "POST" ? {} : undefined);
      await r.body?.cancel();
      expect(r.status, route).toBe(404);
    }
  });
});

describe("thread metadata", () => {
  it("keeps customer and graph immutable: a person's reply cannot be sent to another customer", async () => {
    const c = client();
    const { threadId } = await escalated("legal3");
    const patched = await api(`/threads/${threadId}`, "PATCH", { metadata: { customer_id: "vf" } });
    expect(patched.status).toBe(400);
    expect((await patched.json()).error.issues[0].path).toBe("body.metadata.customer_id");
    expect((await api(`/threads/${threadId}`, "PATCH", { metadata: { graph_id: "other", status: "done" } })).status).toBe(400);
    // Re-creating the thread would replace its metadata: it exists, so no.
    expect((await api("/threads", "POST", { thread_id: threadId, metadata: { note: "x" } })).status).toBe(409);
    expect((await api("/threads", "POST", { thread_id: threadId, if_exists: "do_nothing" })).status).toBe(200);
    expect((await rt.store.threads.get(threadId))!.metadata).toMatchObject({ customer_id: "legal3", graph_id: "care", status: "interrupted" });

    // A client's own keys are theirs, and the unchanged service keys may be sent back as read.
    const thread = await c.threads.update(threadId, { metadata: { ...(await rt.store.threads.get(threadId))!.metadata, note: "llamar antes de las 6" } });
    expect(thread.metadata).toMatchObject({ customer_id: "legal3", note: "llamar antes de las 6" });
    expect((await c.threads.create({ graphId: "care", metadata: { channel: "inbox" } })).metadata).toEqual({ graph_id: "care", channel: "inbox" });
  });

  it("takes no new contact on a thread that holds one: the hand-off is kept, and so is its customer", async () => {
    const { threadId, handoffId } = await escalated("legal6");
    for (const route of ["runs/wait", "runs/stream"]) {
      const r = await api(`/threads/${threadId}/${route}`, "POST", { assistant_id: "care", input: { customer_id: "vf" } });
      expect(r.status, route).toBe(409);
      expect((await r.json()).error.message).toMatch(/waits for a person/);
    }
    expect((await rt.store.threads.get(threadId))!.metadata).toMatchObject({ customer_id: "legal6", status: "interrupted" });
    expect((await client().threads.getState(threadId)).next).toEqual(["human_review"]);
    expect((await rt.store.handoffs.get(handoffId))!.status).toBe("pending");

    // Once answered, the thread's contact is the customer's: another customer's input is refused too.
    const done = await client().threads.create();
    await client().runs.wait(done.thread_id, "care", { input: { customer_id: "vf" } });
    const other = await api(`/threads/${done.thread_id}/runs/wait`, "POST", { assistant_id: "care", input: { customer_id: "vf2" } });
    expect(other.status).toBe(409);
    expect((await rt.store.threads.get(done.thread_id))!.metadata.customer_id).toBe("vf");
  });

  it("refuses to delete a thread a hand-off waits on", async () => {
    const { threadId, handoffId } = await escalated("legal4");
    const r = await api(`/threads/${threadId}`, "DELETE");
    expect(r.status).toBe(409);
    expect(checkpoints(threadId)).toBeGreaterThan(0);
    expect((await rt.store.handoffs.get(handoffId))!.status).toBe("pending");
  });

  it("answers a malformed thread creation with 400 naming the field", async () => {
    for (const [body, field] of [
      [{ metadata: "x" }, "body.metadata"],
      [{ thread_id: "not-a-uuid" }, "body.thread_id"],
      [{ if_exists: "overwrite" }, "body.if_exists"],
      [{ metadata: { status: "running" } }, "body.metadata.status"],
    ] as const) {
      const r = await api("/threads", "POST", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((await r.json()).error.issues[0].path).toBe(field);
    }
    // Nor a search by a value SQLite cannot compare (it was a 500).
    for (const value of [{ a: 1 }, ["legal1"]]) {
      const r = await api("/threads/search", "POST", { metadata: { customer_id: value } });
      expect(r.status, JSON.stringify(value)).toBe(400);
      expect((await r.json()).error.issues[0].path).toBe("body.metadata.customer_id");
    }
    const made = await client().threads.create({ metadata: { channel: "search-probe" } });
    expect((await client().threads.search({ metadata: { channel: "search-probe" } })).map((t) => t.thread_id)).toEqual([made.thread_id]);
  });
});

describe("a run's context", () => {
  /** Every route that starts a contact answers 400 naming the context field. */
  async function expectContextRefused(threadId: string, context: Record<string, unknown>, field: string) {
    for (const route of ["runs/wait", "runs/stream"]) {
      const r = await api(`/threads/${threadId}/${route}`, "POST", { assistant_id: "care", input: { customer_id: "vf" }, context });
      expect(r.status, `${route} ${field}`).toBe(400);
      expect((await r.json()).error.issues[0].path).toBe(`body.context.${field}`);
    }
    const v1 = await api("/v1/customers/vf/runs", "POST", { context });
    expect(v1.status, `/v1 ${field}`).toBe(400);
    expect((await v1.json()).error.issues[0].path).toBe(`body.context.${field}`);
  }

  it("takes no experiment's id, iteration, draw key or arm namespace from a caller, on any run route: they file a contact under an experiment, fix its draws, teach its policy", async () => {
    const thread = await client().threads.create();
    const runs = () => count("SELECT count(*) AS n FROM interactions");
    const before = runs();
    for (const [field, value] of [["experiment_id", "exp-1"], ["iteration", 1], ["draw_key", "1:vf"], ["policy_namespace", "exp-1/policy"]] as const) {
      await expectContextRefused(thread.thread_id, { [field]: value }, field);
    }
    // Nor an experiment's interaction id, before the experiment gets to it.
    for (const route of ["runs/wait", "runs/stream"]) {
      const r = await api(`/threads/${thread.thread_id}/${route}`, "POST", { assistant_id: "care", input: { customer_id: "vf", interaction_id: "exp-1/policy:1:vf" } });
      expect(r.status, route).toBe(400);
      expect((await r.json()).error.issues[0].path).toBe("body.interaction_id");
    }
    expect(runs()).toBe(before);
    // What a caller legitimately chooses still goes through.
    const ok = await api("/v1/customers/vf/runs", "POST", { context: { policy: "uniform", policy_namespace: "arm-b", churn_threshold: 0.5, reward_weights: { nps: 1, engagement: 0, churn: 0 } } });
    // A lower threshold may bring a person in (202); either way the contact ran and was logged.
    expect([200, 202]).toContain(ok.status);
    expect((await ok.json()).interaction).toMatchObject({ policy: "uniform", policy_namespace: "arm-b", experiment_id: null });
  });

  it("lets no caller raise the churn threshold (a person later) or change the reward the main policy learns from", async () => {
    const thread = await client().threads.create();
    const before = count("SELECT count(*) AS n FROM interactions");
    const refused = [
      [{ churn_threshold: 1 }, "churn_threshold"],
      [{ reward_weights: { nps: 0, engagement: 0, churn: 1 } }, "reward_weights"],
      [{ policy_namespace: "main", reward_weights: { nps: 1, engagement: 0, churn: 0 } }, "reward_weights"],
    ] as const;
    for (const [context, field] of refused) await expectContextRefused(thread.thread_id, context, field);
    expect(count("SELECT count(*) AS n FROM interactions")).toBe(before);
  });
});

describe("resuming a hand-off over the Platform routes", () => {
  it("respects the claim exactly like /v1/handoffs/{id}/resolve", async () => {
    const c = client();
    const { threadId, handoffId } = await escalated("legal5");
    const resume = (agent?: string, route = "runs/wait") =>
      api(`/threads/${threadId}/${route}`, "POST", { assistant_id: "care", command: { resume: [{ type: "response", args: "Texto inyectado." }] }, ...(agent ? { metadata: { agent } } : {}) });

    // Unclaimed: /v1 requires a claim first, so do these routes.
    expect((await resume("luis")).status).toBe(409);
    expect((await api(`/v1/handoffs/${handoffId}/claim`, "POST", { agent: "ana" })).status).toBe(200);
    const nobody = await resume();
    expect(nobody.status).toBe(400);
    expect((await nobody.json()).error.issues[0].path).toBe("body.metadata.agent");
    for (const route of ["runs/wait", "runs/stream"]) {
      const r = await resume("luis", route);
      expect(r.status, route).toBe(409);
      expect((await r.json()).error.message).toMatch(/claimed by another agent/);
    }
    expect((await rt.store.threads.get(threadId))!.metadata.status).toBe("interrupted");

    // The claimant's own answer still goes through, on either side; an input sent along is not run, nor kept.
    const done = (await c.runs.wait(threadId, "care", { input: { customer_id: 5 }, command: { resume: [{ type: "response", args: "Soy Ana, te llamo hoy." }] }, metadata: { agent: "ana" } })) as Record<string, any>;
    expect(done.contact.review).toEqual({ action: "response", message: "Soy Ana, te llamo hoy." });
    expect((await rt.store.audit.list("legal5")).map((a) => [a.actor, a.action])).toContainEqual(["ana", "handoff.resumed"]);
    expect((await api(`/v1/handoffs/${handoffId}/resolve`, "POST", { agent: "ana", response: { type: "ignore" } })).status).toBe(409);
  });

  it("resumes a streamed run in the context its contact started with, not the caller's", async () => {
    const { threadId, handoffId } = await escalated("legal7");
    expect((await api(`/v1/handoffs/${handoffId}/claim`, "POST", { agent: "ana" })).status).toBe(200);
    const events: string[] = [];
    for await (const chunk of client().runs.stream(threadId, "care", {
      command: { resume: [{ type: "response", args: "Soy Ana, te llamo hoy." }] },
      metadata: { agent: "ana" },
      context: { policy_namespace: "elegido-por-el-cliente" },
    }))
      events.push(chunk.event);
    expect(events).not.toContain("error");
    expect(await rt.store.interactions.get(handoffId)).toMatchObject({ status: "human", policy_namespace: "main" });
  });
});
