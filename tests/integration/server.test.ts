import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { createMetrics } from "../../src/server/helper/prometheus.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { addAgents } from "../helpers/agents.js";
import { customer, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

const KEY = "test-key-123";
let rt: CareRuntime;
let server: RunningServer;
let base: string;
const log = createLogger({ level: "silent" });

let metrics: ReturnType<typeof createMetrics>;

beforeAll(async () => {
  metrics = createMetrics({ pendingHandoffs: () => rt?.store.handoffs.pendingCount() });
  rt = await testRuntime({
    observer: metrics.observer,
    customers: [
      customer({ customer_id: "vf", segment: "VF", first_message: "Hola, ¿me confirman el día de entrega?", issue_bucket: "logistica", churn_risk_est: 0.1 }),
      customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." }),
      customer({ customer_id: "legal2", first_message: "Ya hablé con mi abogado." }),
      customer({ customer_id: "legal3", first_message: "Esto es un fraude, voy a ir a PROFECO." }),
      customer({ customer_id: "legal4", first_message: "Mi abogado los va a demandar." }),
    ],
  });
  await addAgents(rt.store);
  server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: [KEY], ratePerSecond: 1000, rateBurst: 1000 }), log, metrics);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await rt.close();
});

const api = (path: string, init: RequestInit & { json?: unknown; key?: string | null } = {}) =>
  fetch(base + path, {
    ...init,
    method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
    headers: {
      ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? KEY}` }),
      ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
      ...(init.headers as Record<string, string>),
    },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });

/** Claims the hand-off a thread waits on, as a person does before answering it. */
async function claim(threadId: string, agent: string) {
  const r = await api(`/v1/handoffs/${(await rt.store.handoffs.onThread(threadId))!.interaction_id}/claim`, { json: { agent } });
  expect(r.status).toBe(200);
}

describe("the official LangGraph SDK against our server", () => {
  const client = () => new Client({ apiUrl: base, apiKey: KEY });

  it("finds the care and conversation assistants", async () => {
    const assistants = await client().assistants.search();
    expect(assistants.map((a) => a.graph_id)).toEqual(["care", "conversation"]);
  });

  it("gives its input, state and context schemas, as the routes check them (Studio's input form)", async () => {
    const s = await client().assistants.getSchemas("care");
    expect(s.graph_id).toBe("care");
    expect(s.input_schema).toMatchObject({ type: "object", required: ["customer_id"], additionalProperties: false });
    expect(Object.keys((s.input_schema as any).properties).sort()).toEqual(["customer_id", "interaction_id", "message", "priority"]);
    expect((s.state_schema as any).properties).toHaveProperty("contact");
    const context = (s.context_schema as any).properties;
    expect(context.churn_threshold).toMatchObject({ maximum: 0.85, default: 0.85 });
    expect(context.policy.enum).toContain("thompson");
    await expect(client().assistants.getSchemas("nope")).rejects.toThrow(/404/);
  });

  it("creates a thread, runs and waits, reads state and history from SqliteSaver", async () => {
    const c = client();
    const thread = await c.threads.create();
    const values = (await c.runs.wait(thread.thread_id, "care", { input: { customer_id: "vf" } })) as Record<string, any>;
    expect(values.contact.outcome.status).toBe("scored");
    const state = await c.threads.getState(thread.thread_id);
    expect((state.values as any).contact.decision.template).toBe(values.contact.decision.template);
    expect(state.next).toEqual([]);
    const history = await c.threads.getHistory(thread.thread_id);
    expect(history.length).toBeGreaterThanOrEqual(6);
    // Durable: the checkpoints are in the SQLite file, not in the server's memory.
    expect(rawDb(rt).prepare("SELECT count(*) AS n FROM checkpoints WHERE thread_id = ?").get(thread.thread_id)).toMatchObject({ n: history.length });
  });

  it("streams values, updates and custom events", async () => {
    const c = client();
    const thread = await c.threads.create();
    const seen = new Map<string, unknown[]>();
    for await (const chunk of c.runs.stream(thread.thread_id, "care", { input: { customer_id: "vf" }, streamMode: ["values", "updates", "custom"] })) {
      seen.set(chunk.event, [...(seen.get(chunk.event) ?? []), chunk.data]);
    }
    expect(seen.get("values")!.length).toBeGreaterThan(1);
    expect(Object.keys(seen.get("updates")![0] as object)).toEqual(["router"]);
    expect(seen.get("custom")).toEqual([expect.objectContaining({ event: "interaction_logged", status: "scored", learned: true })]);
  });

  it("gives streamed runs the same bookkeeping as runs/wait: hand-off, silence, resume", async () => {
    const c = client();
    const drain = async (stream: AsyncIterable<{ event: string }>) => {
      const events: string[] = [];
      for await (const chunk of stream) events.push(chunk.event);
      return events;
    };
    const answered = await c.threads.create();
    await drain(c.runs.stream(answered.thread_id, "care", { input: { customer_id: "vf" } }));
    expect((await rt.store.threads.get(answered.thread_id))!.metadata).toMatchObject({ status: "done", customer_id: "vf" });

    const escalated = await c.threads.create();
    expect(await drain(c.runs.stream(escalated.thread_id, "care", { input: { customer_id: "legal4" } }))).not.toContain("error");
    expect((await rt.store.threads.get(escalated.thread_id))!.metadata.status).toBe("interrupted");
    expect((await rt.store.ownership.get("legal4")).owner).toBe("human");
    // A person owns the conversation now: no bot run, streamed or not, and nothing written for the refused one.
    const refused = await c.threads.create();
    const again = await api(`/threads/${refused.thread_id}/runs/stream`, { json: { assistant_id: "care", input: { customer_id: "legal4" } } });
    expect(again.status).toBe(409);
    expect(rawDb(rt).prepare("SELECT count(*) AS n FROM checkpoints WHERE thread_id = ?").get(refused.thread_id)).toEqual({ n: 0 });

    const protocol = await api(`/threads/${refused.thread_id}/commands`, { json: { id: 1, method: "run.start", params: { assistant_id: "care", input: { customer_id: "vf" } } } });
    expect(protocol.status).toBe(400);
    // A stateless run gets a thread of its own, kept: an escalated contact outlives its run.
    const threadless = await api("/runs/stream", { json: { assistant_id: "care", input: { customer_id: "legal4" } } });
    expect(threadless.status).toBe(409);

    // The same checks as runs/wait before a resume reaches the graph.
    await claim(escalated.thread_id, "ana");
    const badResume = await api(`/threads/${escalated.thread_id}/runs/stream`, { json: { assistant_id: "care", command: { resume: [{ type: "accept" }] }, metadata: { agent: "ana" } } });
    expect(badResume.status).toBe(400);
    expect((await rt.store.threads.get(escalated.thread_id))!.metadata.status).toBe("interrupted");

    await drain(c.runs.stream(escalated.thread_id, "care", { command: { resume: [{ type: "response", args: "Soy Ana, de Legal: te llamo hoy." }] }, metadata: { agent: "ana" } }));
    expect((await rt.store.threads.get(escalated.thread_id))!.metadata.status).toBe("done");
    expect((await rt.store.audit.list("legal4")).map((a) => [a.actor, a.action])).toEqual(
      expect.arrayContaining([["bot", "handoff.opened"], ["ana", "handoff.resumed"]]),
    );
  });

  it("resumes an interrupt with command: { resume }", async () => {
    const c = client();
    const thread = await c.threads.create();
    const paused = (await c.runs.wait(thread.thread_id, "care", { input: { customer_id: "legal" } })) as Record<string, any>;
    expect(paused.__interrupt__[0].value[0].action_request.action).toBe("reply_to_customer");
    const state = await c.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["human_review"]);
    await claim(thread.thread_id, "ana");
    const done = (await c.runs.wait(thread.thread_id, "care", {
      command: { resume: [{ type: "response", args: "Hola, soy Ana de Legal; te llamo en 1 hora." }] },
      metadata: { agent: "ana" },
    })) as Record<string, any>;
    expect(done.contact.outcome.status).toBe("human");
    expect((await rt.store.interactions.get(paused.interaction_id))!.message).toBe("Hola, soy Ana de Legal; te llamo en 1 hora.");
  });

  it("answers 400 to a resume the hand-off cannot take, and still resumes with a valid one", async () => {
    const c = client();
    const thread = await c.threads.create();
    await c.runs.wait(thread.thread_id, "care", { input: { customer_id: "legal3" } });
    // The escalation gave the conversation to people: the bot does not start another contact.
    const again = await api(`/threads/${(await c.threads.create()).thread_id}/runs/wait`, { json: { assistant_id: "care", input: { customer_id: "legal3" } } });
    expect(again.status).toBe(409);
    await claim(thread.thread_id, "ana");
    const bad = await api(`/threads/${thread.thread_id}/runs/wait`, { json: { assistant_id: "care", command: { resume: [{ type: "accept" }] }, metadata: { agent: "ana" } } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/"accept" is not allowed/);
    const done = (await c.runs.wait(thread.thread_id, "care", { command: { resume: [{ type: "ignore", args: null }] }, metadata: { agent: "ana" } })) as Record<string, any>;
    expect(done.contact.outcome.status).toBe("ignored");
    const twice = await api(`/threads/${thread.thread_id}/runs/wait`, { json: { assistant_id: "care", command: { resume: [{ type: "ignore" }] }, metadata: { agent: "ana" } } });
    expect(twice.status).toBe(409);
    const poison = await api(`/threads/${thread.thread_id}/runs/wait`, { json: { assistant_id: "care", command: { goto: "policy_update", update: { contact: {} } } } });
    expect(poison.status).toBe(400);
    const streamPoison = await api(`/threads/${thread.thread_id}/runs/stream`, { json: { assistant_id: "care", command: { update: { contact: {} } } } });
    expect(streamPoison.status).toBe(400);
  });

  it("validates run input: 400 naming the field, 404 for an unknown thread or customer", async () => {
    const c = client();
    const thread = await c.threads.create();
    const bad = await api(`/threads/${thread.thread_id}/runs/wait`, { json: { assistant_id: "care", input: { customer_id: "vf", priority: 99 } } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.issues[0].path).toBe("body.priority");
    const ghost = await api(`/threads/${thread.thread_id}/runs/wait`, { json: { assistant_id: "care", input: { customer_id: "ghost" } } });
    expect(ghost.status).toBe(404);
    const noThread = await api(`/threads/00000000-0000-4000-8000-000000000000/runs/wait`, { json: { assistant_id: "care", input: { customer_id: "vf" } } });
    expect(noThread.status).toBe(404);
    expect((await api(`/threads/${thread.thread_id}/runs/wait`, { json: { assistant_id: "other", input: { customer_id: "vf" } } })).status).toBe(404);
    const used = (await rt.store.interactions.list({ limit: 1 }))[0]!.interaction_id;
    const reuse = await api(`/threads/${thread.thread_id}/runs/wait`, { json: { assistant_id: "care", input: { customer_id: "vf", interaction_id: used } } });
    expect(reuse.status).toBe(409);
  });

  it("is refused without the API key", async () => {
    await expect(new Client({ apiUrl: base }).assistants.search()).rejects.toThrow(/401/);
  });
});

describe("/v1", () => {
  it("401 without or with a wrong key, JSON body naming the problem", async () => {
    const none = await api("/v1/customers", { key: null });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: "unauthorized", message: "missing bearer API key" } });
    expect((await api("/v1/customers", { key: "nope" })).status).toBe(401);
    expect((await api("/healthz", { key: null })).status).toBe(200);
  });

  it("customers: list, get, 404, generate with PersonaForge parameters, 400 naming the field", async () => {
    expect((await (await api("/v1/customers?limit=2")).json()).items).toHaveLength(2);
    expect((await (await api("/v1/customers/vf")).json()).segment).toBe("VF");
    expect((await api("/v1/customers/nobody")).status).toBe(404);
    const gen = await api("/v1/customers/generate", { json: { n: 10, share_angry: 0.2, seed: 5, id_prefix: "g" } });
    expect(gen.status).toBe(201);
    expect((await gen.json()).created).toBe(10);
    const bad = await api("/v1/customers/generate", { json: { n: 10, share_angry: 2 } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.issues[0].path).toBe("body.share_angry");
    expect((await api("/v1/customers?limit=0")).status).toBe(400);
  });

  it("customers: CSV import is all or nothing", async () => {
    const { customersToCsv } = await import("../../src/store/customer-csv.js");
    const before = await rt.store.customers.count();
    const bad = customersToCsv([customer({ customer_id: "csv1" }), customer({ customer_id: "csv2", churn_risk_est: 3 })]);
    const r = await api("/v1/customers/import", { method: "POST", body: bad, headers: { "content-type": "text/csv" } });
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toMatch(/line 3: churn_risk_est/);
    expect(await rt.store.customers.count()).toBe(before);
  });

  it("runs one contact and returns the interaction; bad body 400; unknown customer 404", async () => {
    const r = await api("/v1/customers/vf/runs", { json: { message: "Hola, ¿cuándo llegan mis placas?" } });
    expect(r.status).toBe(200);
    const out = await r.json();
    expect(out.status).toBe("completed");
    // The request's tracking id travels into the graph run's checkpoints.
    const requestId = r.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    expect(out.interaction.request_id).toBe(requestId);
    expect(out.interaction.features).toMatchObject({ price: expect.any(Number), churn_risk: expect.any(Number) });
    expect(out.reply).toContain("Kavak");
    expect(out.interaction.customer_id).toBe("vf");
    expect((await api("/v1/customers/vf/runs", { json: { nonsense: true } })).status).toBe(400);
    expect((await api("/v1/customers/ghost/runs", { json: {} })).status).toBe(404);
    const broken = await api("/v1/customers/vf/runs", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe("invalid_json");
  });

  it("policy: posterior per context and template, freeze, reset; 404 for an unknown namespace", async () => {
    const p = await (await api("/v1/policy")).json();
    expect(p.policy).toBe("thompson");
    expect(p.arms.find((a: any) => a.n > 0)).toMatchObject({ context: expect.stringMatching(/\//), template: expect.any(String) });
    expect((await api("/v1/policy/freeze", { json: {} })).status).toBe(200);
    expect((await (await api("/v1/policy")).json()).frozen).toBe(true);
    const before = (await rt.deps.policies.get("main", "thompson")).estimates().reduce((a, e) => a + e.n, 0);
    const frozenRun = await (await api("/v1/customers/vf/runs", { json: {} })).json();
    expect(frozenRun.interaction).toMatchObject({ status: "scored", learned: false });
    expect((await rt.deps.policies.get("main", "thompson")).estimates().reduce((a, e) => a + e.n, 0)).toBe(before);
    await api("/v1/policy/unfreeze", { json: {} });
    expect((await api("/v1/policy?namespace=nope")).status).toBe(404);
    expect((await (await api("/v1/policy/recommendations")).json()).items.length).toBeGreaterThan(0);
  });

  it("interactions: filters and pagination; 400 on a bad filter", async () => {
    const page = await (await api("/v1/interactions?segment=VF&limit=1")).json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0].segment).toBe("VF");
    expect(page.next_offset).toBe(1);
    expect((await api("/v1/interactions?segment=XX")).status).toBe(400);
    expect((await api("/v1/interactions?since=yesterday")).status).toBe(400);
  });
});

describe("human hand-off", () => {
  it("lists, claims exclusively, keeps the bot silent, resolves, hands back — all audited", async () => {
    const first = await (await api("/v1/customers/legal2/runs", { json: {} })).json();
    expect(first.status).toBe("handed_off");
    expect(first.reply).toBeNull();
    const id = first.interaction_id;
    const list = await (await api("/v1/handoffs")).json();
    expect(list.items.find((h: any) => h.interaction_id === id)).toMatchObject({ reason: "legal_threat", priority: 10, customer: { customer_id: "legal2" } });

    // While the hand-off waits in the queue, the bot does not answer this customer.
    expect((await api("/v1/customers/legal2/runs", { json: {} })).status).toBe(409);

    expect((await api(`/v1/handoffs/${id}/resolve`, { json: { agent: "ana", response: { type: "ignore" } } })).status).toBe(409);
    expect((await api(`/v1/handoffs/${id}/claim`, { json: { agent: "ana" } })).status).toBe(200);
    const second = await api(`/v1/handoffs/${id}/claim`, { json: { agent: "luis" } });
    expect(second.status).toBe(409);
    expect((await second.json()).error.message).toMatch(/claimed by another agent/);
    expect((await api(`/v1/handoffs/${id}/resolve`, { json: { agent: "luis", response: { type: "ignore" } } })).status).toBe(409);
    expect((await api(`/v1/handoffs/${id}/resolve`, { json: { agent: "ana", response: { type: "accept" } } })).status).toBe(400);

    const done = await api(`/v1/handoffs/${id}/resolve`, { json: { agent: "ana", response: { type: "response", args: "Hola, soy Ana; te llamo hoy." } } });
    expect(done.status).toBe(200);
    expect((await done.json()).reply).toBe("Hola, soy Ana; te llamo hoy.");
    expect((await api(`/v1/handoffs/${id}/claim`, { json: { agent: "ana" } })).status).toBe(409);

    // Resolved, but the conversation stays with Ana until she hands it back.
    expect((await api("/v1/customers/legal2/runs", { json: {} })).status).toBe(409);
    expect((await api("/v1/conversations/legal2/handback", { json: { agent: "luis" } })).status).toBe(403);
    expect((await api("/v1/conversations/legal2/handback", { json: { agent: "ana" } })).status).toBe(200);
    expect((await api("/v1/conversations/legal2/handback", { json: { agent: "ana" } })).status).toBe(409);
    const audit = (await (await api("/v1/conversations/legal2")).json()).audit;
    expect(audit.map((a: any) => a.action)).toEqual(["handoff.opened", "handoff.claimed", "handoff.answer_queued", "handoff.response", "conversation.handback"]);
    // Ana, and the API key that acted for her (the answer itself is recorded by the run, as in the console).
    expect(audit.slice(1).map((a: any) => [a.actor, a.detail.via])).toEqual([["ana", "key-1"], ["ana", "key-1"], ["ana", undefined], ["ana", "key-1"]]);
    expect((await api("/v1/handoffs/nope/claim", { json: { agent: "ana" } })).status).toBe(404);
  });
});

/** An experiment's record once it stops running (or after 10 s of polling). */
async function settled(experimentId: string): Promise<any> {
  let e: any;
  for (let i = 0; i < 200; i++) {
    e = await (await api(`/v1/experiments/${experimentId}`)).json();
    if (e.status !== "running") break;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return e;
}

describe("experiments, KPIs and operations", () => {
  it("starts an experiment in the background, reports progress, then results", async () => {
    const r = await api("/v1/experiments", { json: { customers: 40, iterations: 2, policy: "thompson", seed: 3 } });
    expect(r.status).toBe(202);
    const { experiment_id, status } = await r.json();
    expect(status).toBe("running");
    const e = await settled(experiment_id);
    expect(e.status).toBe("done");
    expect(e.summary.policy.iterations).toHaveLength(2);
    expect(typeof e.summary.lift_pct).toBe("number");
    expect((await api(`/v1/experiments/${experiment_id}/cancel`, { json: {} })).status).toBe(409);
    const kpis = await (await api(`/v1/metrics?experiment_id=${experiment_id}`)).json();
    expect(kpis.by_iteration.map((k: any) => k.group)).toEqual([1, 2]);
    expect(kpis.by_namespace.map((k: any) => k.group)).toEqual([`${experiment_id}/baseline`, `${experiment_id}/policy`]);
    expect(kpis.by_segment.reduce((a: number, k: any) => a + k.contacts, 0)).toBe(kpis.by_iteration.reduce((a: number, k: any) => a + k.contacts, 0));
  });

  it("cancels a running experiment", async () => {
    const { experiment_id } = await (await api("/v1/experiments", { json: { customers: 2000, iterations: 5, seed: 4 } })).json();
    expect((await api(`/v1/experiments/${experiment_id}/cancel`, { json: {} })).status).toBe(202);
    const e = await settled(experiment_id);
    expect(e.status).toBe("cancelled");
  });

  it("validates experiment parameters and ids", async () => {
    const r = await api("/v1/experiments", { json: { customers: 10, policy: "magic" } });
    expect(r.status).toBe(400);
    expect((await r.json()).error.issues[0].path).toBe("body.policy");
    expect((await api("/v1/experiments", { json: { customers: 10_000_000 } })).status).toBe(400);
    expect((await api("/v1/experiments/nope")).status).toBe(404);
    expect((await api("/v1/metrics?since=ayer")).status).toBe(400);
  });

  it("exposes Prometheus metrics: runs, node latency, pending escalations, policy updates, HTTP", async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/care_graph_runs_total\{route="vocal",status="scored"\} \d+/);
    expect(text).toMatch(/care_graph_node_duration_seconds_count\{node="judge",outcome="ok"\} \d+/);
    expect(text).toMatch(/care_graph_pending_escalations \d+/);
    expect(text).toMatch(/^care_graph_process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/care_graph_policy_updates_total\{namespace="main"\} \d+/);
    expect(text).toMatch(/care_graph_http_request_duration_seconds_count\{method="POST",route="\/v1\/customers\/:id\/runs",status="200"\} \d+/);
  });

  it("answers readiness from the database and the run queue", async () => {
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: "ready", queue: { dead: 0 } });
  });
});

describe("errors", () => {
  it("answers an unknown route with a JSON 404", async () => {
    const r = await api("/v1/nothing-here");
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe("not_found");
  });

  it("refuses an oversized body with 413", async () => {
    const r = await api("/v1/customers", { method: "POST", body: "x".repeat(2 * 1024 * 1024), headers: { "content-type": "application/json" } });
    expect(r.status).toBe(413);
  });
});
