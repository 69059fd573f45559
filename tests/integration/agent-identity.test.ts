import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { addAgents } from "../helpers/agents.js";
import { testApp } from "../helpers/app.js";
import { customer, testRuntime } from "../helpers/runtime.js";

/** The agent an API request acts for is a person: a registered, enabled agent or admin, never free text. */
describe("the agent named by an API request", () => {
  let rt: CareRuntime;
  let app: ReturnType<typeof testApp>;
  const api = async (path: string, body?: unknown) => {
    const r = await app.request(path, body === undefined ? { headers: { "x-api-key": "k" } } : { method: "POST", headers: { "x-api-key": "k", "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  /** A new hand-off, pending: the customer threatens legal action. */
  const handoff = async (customerId: string) => {
    const r = await api(`/v1/customers/${customerId}/runs`, {});
    expect(r.body.status).toBe("handed_off");
    const h = (await rt.store.handoffs.get(r.body.interaction_id))!;
    return { id: h.interaction_id, threadId: h.thread_id!, customerId };
  };
  /** Whatever a refused request could have written: the claim, the ownership, runs, messages, audit entries. */
  const written = async (h: { id: string; threadId: string; customerId: string }) => ({
    claimed_by: (await rt.store.handoffs.get(h.id))!.claimed_by,
    owner: (await rt.store.ownership.get(h.customerId)).agent,
    runs: (await rt.store.runs.list(h.threadId, { limit: 100, offset: 0 })).length,
    outbox: (await rt.store.outbox.recent(h.customerId)).length,
    audit: (await rt.store.audit.list(h.customerId)).map((a) => a.action),
  });

  beforeAll(async () => {
    rt = await testRuntime({ customers: ["legal1", "legal2", "legal3"].map((id) => customer({ customer_id: id, first_message: "Voy a ir a PROFECO a denunciarlos." })) });
    await addAgents(rt.store, ["ana", "dora"]);
    await addAgents(rt.store, ["oscar"], "operator");
    await addAgents(rt.store, ["alma"], "admin");
    await rt.store.users.setDisabled("dora", true);
    // A channel reaches legal1, so a person's message would be queued if it were let through.
    await rt.store.outbox.setAddress("legal1", "whatsapp", "whatsapp:+5215500000088");
    app = testApp(rt);
  });
  afterAll(async () => rt?.close());

  const refusals = [
    { agent: "nadie", message: 'body.agent: no agent named "nadie"' },
    { agent: "dora", message: 'body.agent: "dora" is disabled' },
    { agent: "oscar", message: 'body.agent: "oscar" is an operator, not an agent' },
    // Free text of the old kind: not a user name at all.
    { agent: "Ana Pérez", message: 'body.agent: no agent named "Ana Pérez"' },
  ];

  it.each(refusals)("refuses $agent with 422 naming body.agent on every /v1 door, and writes nothing", async ({ agent, message }) => {
    const h = await handoff("legal1");
    const before = await written(h);
    const doors = [
      [`/v1/handoffs/${h.id}/claim`, { agent }],
      [`/v1/handoffs/${h.id}/resolve`, { agent, response: { type: "response", args: "Hola, te llamo hoy." } }],
      [`/v1/conversations/${h.customerId}/messages`, { agent, text: "Hola, soy de servicio." }],
      [`/v1/conversations/${h.customerId}/handback`, { agent }],
    ] as const;
    for (const [path, body] of doors) {
      const r = await api(path, body);
      expect(r.status, path).toBe(422);
      expect(r.body.error, path).toMatchObject({ code: "unknown_agent", message, issues: [{ path: "body.agent" }] });
    }
    expect(await written(h)).toEqual(before);
    expect(before).toMatchObject({ claimed_by: null, owner: null, outbox: 0 });
    // The hand-off is still there for a real agent.
    expect((await api(`/v1/handoffs/${h.id}/claim`, { agent: "ana" })).status).toBe(200);
    expect((await api(`/v1/conversations/${h.customerId}/handback`, { agent: "ana" })).status).toBe(200);
  });

  it("refuses a resume over the LangGraph routes whose metadata.agent is no agent, before a run is queued", async () => {
    const h = await handoff("legal2");
    expect((await api(`/v1/handoffs/${h.id}/claim`, { agent: "ana" })).status).toBe(200);
    const before = await written(h);
    for (const agent of ["nadie", "dora", "oscar"]) {
      const r = await api(`/threads/${h.threadId}/runs`, { assistant_id: "care", command: { resume: [{ type: "response", args: "Hola." }] }, metadata: { agent } });
      expect(r.status, agent).toBe(422);
      expect(r.body.error.message, agent).toMatch(/^body\.metadata\.agent: /);
    }
    expect(await written(h)).toEqual(before);
    // The claimant, by contrast, is let through; the audit says which API key acted for her.
    const done = await api(`/threads/${h.threadId}/runs/wait`, { assistant_id: "care", command: { resume: [{ type: "response", args: "Hola, soy Ana." }] }, metadata: { agent: "ana" } });
    expect(done.status).toBe(200);
    const queued = (await rt.store.audit.list(h.customerId)).find((a) => a.action === "handoff.answer_queued");
    expect(queued).toMatchObject({ actor: "ana", detail: { interaction_id: h.id, via: "key-1" } });
  });

  it("accepts an admin, and audits the person with the API key that acted for her", async () => {
    const h = await handoff("legal3");
    expect((await api(`/v1/handoffs/${h.id}/claim`, { agent: "alma" })).status).toBe(200);
    expect((await rt.store.handoffs.get(h.id))!.claimed_by).toBe("alma");
    const claimed = (await rt.store.audit.list(h.customerId)).find((a) => a.action === "handoff.claimed");
    expect(claimed).toMatchObject({ actor: "alma", detail: { interaction_id: h.id, via: "key-1" } });
  });
});
