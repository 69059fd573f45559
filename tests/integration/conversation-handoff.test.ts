import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { executeRun } from "../../src/app/runs/execute.js";
import { langgraphEngine } from "../../src/app/runs/engine.js";
import { servedGraphs } from "../../src/app/runs/graphs.js";
import { loadConversationTexts } from "../../src/store/assets.js";
import { addAgents } from "../helpers/agents.js";
import { testApp } from "../helpers/app.js";
import { testRuntime } from "../helpers/runtime.js";

const CUSTOMER = "c-handoff";
const ANSWER = "Hola, soy Ana. Te confirmo la cita para mañana a las 10.";

/** The conversation graph's hand-off over /v1: the people's queue, a person's answer, silence, and the hand-back. */
describe("a conversation handed to a person over /v1", () => {
  let rt: CareRuntime;
  let app: ReturnType<typeof testApp>;
  const api = async (path: string, json?: unknown) => {
    const r = await app.request(path, {
      method: json === undefined ? "GET" : "POST",
      headers: { "x-api-key": "k", ...(json === undefined ? {} : { "content-type": "application/json" }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: r.status, body: (await r.json()) as any };
  };
  const say = (thread: string, message: string) => api(`/v1/chats/${thread}/messages`, { message, customer_id: CUSTOMER });
  const handoffs = async () => (await api("/v1/handoffs")).body.items as any[];

  beforeEach(async () => {
    rt = await testRuntime({ customers: [] });
    await addAgents(rt.store);
    app = testApp(rt);
    // The customer has written to us on WhatsApp before: a person's answer has a channel to go out on.
    await rt.store.outbox.setAddress(CUSTOMER, "whatsapp", "whatsapp:+5215500000077");
  });
  afterEach(async () => rt?.close());

  it("hands over on request, delivers the person's answer once, stays silent until the hand-back, then the bot goes on with the car", async () => {
    const thread = randomUUID();
    expect((await say(thread, "busco un versa 2020")).status).toBe(200);

    const asked = await say(thread, "quiero hablar con una persona");
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: "handed_off", reply: loadConversationTexts().handoff.transition.human_request });
    const [h, ...others] = await handoffs();
    expect(others).toHaveLength(0);
    expect(h).toMatchObject({ graph: "conversation", thread_id: thread, customer_id: CUSTOMER, reason: "human_request", status: "pending" });
    expect(h.draft).toContain("quiero hablar con una persona");
    expect((await rt.store.ownership.get(CUSTOMER)).owner).toBe("human");

    // While it waits, the customer writes again: kept for the person, no bot reply, no second hand-off.
    const meanwhile = await say(thread, "¿hola?");
    expect(meanwhile).toMatchObject({ status: 202, body: { status: "handed_off", reply: null } });
    expect((await handoffs()).map((x) => x.interaction_id)).toEqual([h.interaction_id]);

    const id = encodeURIComponent(h.interaction_id);
    expect((await api(`/v1/handoffs/${id}/claim`, { agent: "ana" })).status).toBe(200);
    // Another agent cannot answer a hand-off Ana holds.
    const taken = await api(`/v1/handoffs/${id}/resolve`, { agent: "luis", response: { type: "response", args: "Soy Luis" } });
    expect(taken.status).toBe(409);
    // Nor accept a draft: the draft of a conversation hand-off is its summary.
    expect((await api(`/v1/handoffs/${id}/resolve`, { agent: "ana", response: { type: "accept" } })).status).toBe(400);

    const resolved = await api(`/v1/handoffs/${id}/resolve`, { agent: "ana", response: { type: "response", args: ANSWER } });
    expect(resolved).toMatchObject({ status: 200, body: { status: "completed", reply: ANSWER, handoff: { status: "resolved" } } });
    const outbound = async () => (await rt.store.outbox.recent(CUSTOMER)).map((m) => ({ author: m.author, body: m.body }));
    expect(await outbound()).toEqual([{ author: "ana", body: ANSWER }]);
    const read = await api(`/v1/chats/${thread}`);
    expect(read.body.messages.at(-1)).toMatchObject({ author: "person:ana", text: ANSWER });

    // The resolve run executed again (its worker died before recording its end): the answer is not sent twice.
    const [resolveRun] = (await rt.store.runs.list(thread, { limit: 10, offset: 0 })).filter((r) => r.kwargs.kind === "resolve" && r.status === "success");
    const again = await executeRun({ ...resolveRun!, status: "running", attempts: 2 }, { rt, engine: langgraphEngine(rt, servedGraphs(rt)), signal: new AbortController().signal, emit: async () => undefined });
    expect(again).toMatchObject({ status: "success", output: { reply: ANSWER } });
    expect(await outbound()).toEqual([{ author: "ana", body: ANSWER }]);
    expect((await rt.store.transcript.thread(thread)).filter((l) => l.author === "person:ana").map((l) => l.text)).toEqual([ANSWER]);

    // The conversation stays Ana's: the customer's message is stored, for her, and the bot says nothing.
    const toPerson = await say(thread, "perfecto, ¿y con 30 mil de enganche a 48 meses?");
    expect(toPerson).toMatchObject({ status: 202, body: { status: "handed_off", reply: null } });
    expect((await api(`/v1/chats/${thread}`)).body.messages.at(-1)).toMatchObject({ author: "customer", text: expect.stringContaining("48 meses") });
    expect((await rt.store.inbound.recent(CUSTOMER)).map((m) => m.status)).toContain("human");
    expect(await outbound()).toHaveLength(1);
    expect(await handoffs()).toHaveLength(0);

    // Handed back: the bot answers again, with what it knew (the car discussed before the hand-off).
    expect((await api(`/v1/conversations/${CUSTOMER}/handback`, { agent: "ana" })).status).toBe(200);
    const back = await say(thread, "con 30 mil de enganche a 48 meses");
    expect(back.status).toBe(200);
    expect(back.body.turn.tools).toContain("simulate_financing");
    const car = ((await rt.conversation.getState({ configurable: { thread_id: thread } })).values as any).dialog.slots.car;
    expect(car).toMatchObject({ model: "Versa", year: 2020 });
    expect(back.body.reply).toContain(car.model);
  });

  it("an anonymous visitor's hand-off, keyed by their thread, handed back unanswered: the bot answers again", async () => {
    const thread = randomUUID();
    const visitor = (message: string) => api(`/v1/chats/${thread}/messages`, { message });
    expect((await visitor("quiero hablar con una persona")).status).toBe(202);
    const [h] = await handoffs();
    expect(h).toMatchObject({ graph: "conversation", thread_id: thread, customer_id: `visitor:${thread}` });
    expect((await api(`/v1/handoffs/${encodeURIComponent(h.interaction_id)}/claim`, { agent: "ana" })).status).toBe(200);
    expect((await api(`/v1/conversations/visitor:${thread}/handback`, { agent: "ana" })).status).toBe(200);

    const back = await visitor("busco un versa 2020");
    expect(back).toMatchObject({ status: 200, body: { status: "answered", reply: expect.stringContaining("Versa") } });
    expect((await rt.store.handoffs.get(h.interaction_id))?.resolution).toBe("ignore");
    expect(await rt.store.outbox.recent(`visitor:${thread}`)).toHaveLength(0);
  });

  it("the person owning a web visitor's or a Telegram customer's chat writes to them freely (neither has a customers row)", async () => {
    const thread = randomUUID();
    expect((await api(`/v1/chats/${thread}/messages`, { message: "quiero hablar con una persona", channel: "web" })).status).toBe(202);
    const [h] = await handoffs();
    expect(h).toMatchObject({ customer_id: `visitor:${thread}`, channel: "web" });
    const write = (customer: string, text: string) => api(`/v1/conversations/${customer}/messages`, { agent: "ana", text });
    expect((await write(`visitor:${thread}`, "Hola")).status).toBe(409); // not claimed yet
    expect((await api(`/v1/handoffs/${encodeURIComponent(h.interaction_id)}/claim`, { agent: "ana" })).status).toBe(200);
    expect((await write(`visitor:${thread}`, "Hola, soy Ana. ¿En qué te ayudo?"))).toMatchObject({ status: 202, body: { thread_id: thread } });
    expect((await api(`/v1/chats/${thread}`)).body.messages.at(-1)).toMatchObject({ author: "person:ana", channel: "web", text: "Hola, soy Ana. ¿En qué te ayudo?" });
    expect((await api(`/v1/conversations/visitor:${randomUUID()}/messages`, { agent: "ana", text: "x" })).status).toBe(404);

    // A Telegram customer: an address to send to and a transcript, no customers row.
    const tg = "tg-0123456789abcdef0123";
    const tgThread = randomUUID();
    await rt.store.outbox.setAddress(tg, "telegram", "555");
    await rt.store.transcript.append([{ key: "tg-line", line: { thread_id: tgThread, customer_id: tg, channel: "telegram", author: "customer", text: "hola" } }]);
    await rt.store.handoffs.open({ interaction_id: "tg-h", thread_id: tgThread, customer_id: tg, reason: "human_request", priority: 5, draft: null, experiment_id: null, graph: "conversation", channel: "telegram" });
    await rt.store.ownership.escalate(tg);
    expect((await api(`/v1/handoffs/tg-h/claim`, { agent: "ana" })).status).toBe(200);
    expect(await write(tg, "Te escribo por aquí")).toMatchObject({ status: 202, body: { customer_id: tg, body: "Te escribo por aquí" } });
    expect((await rt.store.transcript.thread(tgThread)).map((l) => [l.author, l.channel, l.text])).toEqual([
      ["customer", "telegram", "hola"],
      ["person:ana", "telegram", "Te escribo por aquí"],
    ]);
  });

  it("a person's answer over the LangGraph routes keeps /v1's rules and bookkeeping: the claim, the hand-off resolved, the answer queued once", async () => {
    const thread = randomUUID();
    expect((await say(thread, "quiero hablar con una persona")).status).toBe(202);
    const [h] = await handoffs();
    expect((await api(`/v1/handoffs/${encodeURIComponent(h.interaction_id)}/claim`, { agent: "ana" })).status).toBe(200);
    const resume = (metadata: Record<string, unknown>) =>
      api(`/threads/${thread}/runs/wait`, { assistant_id: "conversation", command: { resume: [{ type: "response", args: ANSWER }] }, metadata });
    expect((await resume({})).status).toBe(400);
    expect((await resume({ agent: "luis" })).status).toBe(409);
    const answered = await resume({ agent: "ana" });
    expect(answered.status).toBe(200);
    expect(answered.body.messages.at(-1)).toMatchObject({ type: "ai", content: ANSWER });
    expect(await rt.store.handoffs.get(h.interaction_id)).toMatchObject({ status: "resolved", resolution: "response" });
    expect((await rt.store.outbox.recent(CUSTOMER)).map((m) => m.body)).toEqual([ANSWER]);
    expect((await rt.store.threads.get(thread))?.metadata.status).toBe("done");
  });
});
