import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { Command } from "@langchain/langgraph";
import { beginResume, recoverRuns, runOnThread } from "../../src/app/contacts.js";
import { createLogger } from "../../src/app/logger.js";
import { whatsappSender, TwilioRestConfig } from "../../src/app/channels/whatsapp.js";
import { OutboxSender } from "../../src/app/outbox-sender.js";
import { twilioSignature } from "../../src/server/helper/twilio.js";
import { customerIdForWaId } from "../../src/server/router/twilio.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { addAgents } from "../helpers/agents.js";
import { FakeTwilio } from "../helpers/fake-twilio.js";
import { customer, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";
import { queued } from "../helpers/outbox.js";
import { outreachTo } from "../helpers/outreach.js";

const TOKEN = "twilio-test-token";
const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const FROM = "whatsapp:+14155238886";
const PUBLIC = "https://care.example.mx";
const log = createLogger({ level: "silent" });

describe("what a person writes reaches the WhatsApp customer (Twilio's Messages API)", () => {
  let rt: CareRuntime;
  let server: RunningServer;
  let twilio: FakeTwilio;
  let base: string;

  beforeAll(async () => {
    twilio = await new FakeTwilio().start();
    rt = await testRuntime({ customers: [customer({ customer_id: "api-only", first_message: "Voy a ir a PROFECO." })] });
    await addAgents(rt.store);
    const cfg = ServerConfig.parse({ port: 0, apiKeys: ["k"], twilioAuthToken: TOKEN, publicBaseUrl: PUBLIC, twilioAccountSid: ACCOUNT, twilioWhatsAppFrom: FROM, twilioApiBase: twilio.url });
    server = await startServer(rt, cfg, log);
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await rt.close();
    await twilio.close();
  });

  const api = (path: string, json?: unknown) =>
    fetch(base + path, { method: json === undefined ? "GET" : "POST", headers: { authorization: "Bearer k", "content-type": "application/json" }, body: json === undefined ? undefined : JSON.stringify(json) });
  const inbound = (params: Record<string, string>) =>
    fetch(`${base}/webhooks/twilio/whatsapp`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, params) },
      body: new URLSearchParams(params).toString(),
    });

  it("sends the resolved hand-off's answer and the agent's later messages, and only the owner may write", async () => {
    const waId = "5215544332211";
    // The threat answers an outreach: a care contact, whose hand-off is a person's (the conversation graph's is not yet).
    await outreachTo(rt, customerIdForWaId(waId, TOKEN));
    const threat = await inbound({ MessageSid: `SM${"a".repeat(32)}`, From: `whatsapp:+${waId}`, To: FROM, WaId: waId, Body: "Mi abogado los va a demandar", NumMedia: "0" });
    expect(await threat.text()).toMatch(/<Response\/>$/); // escalated: the webhook answers nothing
    const customerId = customerIdForWaId(waId, TOKEN);
    const handoff = ((await (await api("/v1/handoffs")).json()) as { items: Array<{ interaction_id: string; customer_id: string }> }).items.find((h) => h.customer_id === customerId)!;
    expect((await api(`/v1/handoffs/${handoff.interaction_id}/claim`, { agent: "ana" })).status).toBe(200);
    const answer = "Hola, soy Ana del equipo legal de Kavak. Te llamo hoy antes de las 6.";
    expect((await api(`/v1/handoffs/${handoff.interaction_id}/resolve`, { agent: "ana", response: { type: "response", args: answer } })).status).toBe(200);

    await twilio.received(1);
    expect(twilio.requests[0]).toEqual({
      path: `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
      authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString("base64")}`,
      form: { To: `whatsapp:+${waId}`, From: FROM, Body: answer },
    });

    expect((await api(`/v1/conversations/${customerId}/messages`, { agent: "luis", text: "Hola" })).status).toBe(403);
    const sent = await api(`/v1/conversations/${customerId}/messages`, { agent: "ana", text: "Ya revisé tu caso: el reembolso sale mañana." });
    expect(sent.status).toBe(202);
    await twilio.received(2);
    expect(twilio.requests[1]!.form.Body).toBe("Ya revisé tu caso: el reembolso sale mañana.");
    const conversation = (await (await api(`/v1/conversations/${customerId}`)).json()) as { outbound: Array<{ status: string; provider_id: string | null; author: string }> };
    await expect.poll(async () => ((await (await api(`/v1/conversations/${customerId}`)).json()) as typeof conversation).outbound.map((m) => m.status)).toEqual(["sent", "sent"]);
    expect((await rt.store.outbox.recent(customerId)).map((m) => [m.author, m.provider_id !== null])).toEqual([["ana", true], ["ana", true]]);
    expect(await (await api("/metrics")).text()).toMatch(/care_graph_outbound_messages\{status="sent"\} 2\b/);

    // Past WhatsApp's 24-hour window a free-form message would only fail at Twilio: refused up front.
    rawDb(rt).prepare("UPDATE inbound_messages SET received_at = ? WHERE customer_id = ?").run(new Date(Date.now() - 25 * 3600_000).toISOString(), customerId);
    const late = await api(`/v1/conversations/${customerId}/messages`, { agent: "ana", text: "¿Sigues ahí?" });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/24 hours/);
    expect(await rt.store.outbox.recent(customerId)).toHaveLength(2);

    // Handed back: the bot owns the conversation again and a person's message is refused.
    expect((await api(`/v1/conversations/${customerId}/handback`, { agent: "ana" })).status).toBe(200);
    expect((await api(`/v1/conversations/${customerId}/messages`, { agent: "ana", text: "¿Algo más?" })).status).toBe(409);
  });

  it("a double-submitted resolve resumes once and sends the answer once", async () => {
    const waId = "5215511112222";
    await outreachTo(rt, customerIdForWaId(waId, TOKEN));
    await inbound({ MessageSid: `SM${"b".repeat(32)}`, From: `whatsapp:+${waId}`, To: FROM, WaId: waId, Body: "Voy a ir a PROFECO", NumMedia: "0" });
    const customerId = customerIdForWaId(waId, TOKEN);
    const h = ((await (await api("/v1/handoffs")).json()) as { items: Array<{ interaction_id: string; customer_id: string }> }).items.find((x) => x.customer_id === customerId)!;
    await api(`/v1/handoffs/${h.interaction_id}/claim`, { agent: "ana" });
    const resolve = () => api(`/v1/handoffs/${h.interaction_id}/resolve`, { agent: "ana", response: { type: "response", args: "Te llamo hoy." } });
    const statuses = (await Promise.all([resolve(), resolve()])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect((await rt.store.outbox.recent(customerId)).map((m) => m.body)).toEqual(["Te llamo hoy."]);
  });

  it("a person's message retried with its Idempotency-Key is queued once; without one each request is a message", async () => {
    const waId = "5215533334444";
    await outreachTo(rt, customerIdForWaId(waId, TOKEN));
    await inbound({ MessageSid: `SM${"c".repeat(32)}`, From: `whatsapp:+${waId}`, To: FROM, WaId: waId, Body: "Voy a ir a PROFECO", NumMedia: "0" });
    const customerId = customerIdForWaId(waId, TOKEN);
    const h = ((await (await api("/v1/handoffs")).json()) as { items: Array<{ interaction_id: string; customer_id: string }> }).items.find((x) => x.customer_id === customerId)!;
    await api(`/v1/handoffs/${h.interaction_id}/claim`, { agent: "ana" });
    const write = (text: string, key?: string) =>
      fetch(`${base}/v1/conversations/${customerId}/messages`, {
        method: "POST",
        headers: { authorization: "Bearer k", "content-type": "application/json", ...(key && { "idempotency-key": key }) },
        body: JSON.stringify({ agent: "ana", text }),
      });
    const [first, retried] = await Promise.all([write("Te llamo hoy.", "k-1"), write("Te llamo hoy.", "k-1")]);
    expect([first.status, retried.status]).toEqual([202, 202]);
    expect(((await first.json()) as { id: number }).id).toBe(((await retried.json()) as { id: number }).id);
    await write("Otra vez", undefined);
    await write("Otra vez", undefined);
    expect((await rt.store.outbox.recent(customerId)).map((m) => m.body)).toEqual(["Otra vez", "Otra vez", "Te llamo hoy."]);
    expect((await rt.store.audit.list(customerId)).filter((e) => e.action === "message.queued")).toHaveLength(3);
    expect((await write("x", "k".repeat(201))).status).toBe(400);
  });

  it("answers 409 for a customer no channel reaches, and queues nothing", async () => {
    await api("/v1/customers/api-only/runs", {});
    const h = ((await (await api("/v1/handoffs")).json()) as { items: Array<{ interaction_id: string; customer_id: string }> }).items.find((x) => x.customer_id === "api-only")!;
    await api(`/v1/handoffs/${h.interaction_id}/claim`, { agent: "ana" });
    const r = await api("/v1/conversations/api-only/messages", { agent: "ana", text: "Hola" });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/no channel reaches/);
    expect(await rt.store.outbox.recent("api-only")).toEqual([]);
  });
});

describe("a person's answer and a crash", () => {
  it("a process that died after the resume but before queueing the answer leaves it to recoverRuns, which queues it", async () => {
    const rt = await testRuntime({ customers: [customer({ customer_id: "wa-1", first_message: "Mi abogado los va a demandar." })] });
    await addAgents(rt.store);
    try {
      await rt.store.outbox.setAddress("wa-1", "whatsapp", "whatsapp:+5215500000003");
      const { outcome } = await runOnThread(rt, { customer_id: "wa-1" });
      expect(outcome.status).toBe("handed_off");
      // What resolveHandoff does up to the crash: the thread marked, the graph resumed, nothing after.
      await beginResume(rt, outcome.thread_id, "ana", async () => undefined);
      await rt.graph.invoke(new Command({ resume: [{ type: "response", args: "Soy Ana, te llamo hoy." }] }), { configurable: { thread_id: outcome.thread_id } });
      expect(await rt.store.outbox.recent("wa-1")).toEqual([]);
      expect(await recoverRuns(rt)).toEqual({ resumed: 1, failed: 0 });
      expect((await rt.store.outbox.recent("wa-1")).map((m) => [m.author, m.body])).toEqual([["ana", "Soy Ana, te llamo hoy."]]);
      expect((await rt.store.threads.get(outcome.thread_id))!.metadata.status).toBe("done");
    } finally {
      await rt.close();
    }
  });
});

describe("the outbox sender", () => {
  let rt: CareRuntime;
  let twilio: FakeTwilio;
  const newSender = () => new OutboxSender(rt, { whatsapp: whatsappSender(TwilioRestConfig.parse({ accountSid: ACCOUNT, authToken: TOKEN, from: FROM, apiBase: twilio.url })) }, log, { maxAttempts: 3 });

  beforeAll(async () => {
    twilio = await new FakeTwilio().start();
    rt = await testRuntime({ customers: [] });
    await addAgents(rt.store);
    await rt.store.outbox.setAddress("c1", "whatsapp", "whatsapp:+5215500000001");
  });
  afterAll(async () => {
    await rt.close();
    await twilio.close();
  });

  it("retries 5xx and 429 with backoff (honouring Retry-After), fails a 400 at once and gives up after maxAttempts", async () => {
    const sender = newSender();
    let clock = new Date("2026-11-22T10:00:00Z");
    const now = () => clock;
    twilio.reply({ status: 500 }, { status: 429, headers: { "retry-after": "120" } }, { status: 201 });
    const m = await queued(rt.store.outbox, "c1", "ana", "uno");
    rawDb(rt).prepare("UPDATE outbound_messages SET next_attempt_at = ? WHERE id = ?").run(clock.toISOString(), m.id);

    await sender.flush(now);
    expect(await rt.store.outbox.get(m.id)).toMatchObject({ status: "pending", attempts: 1, last_error: expect.stringMatching(/^twilio 500/) });
    await sender.flush(now); // not due yet: nothing sent
    expect(twilio.requests).toHaveLength(1);
    clock = new Date(clock.getTime() + 2_000);
    await sender.flush(now);
    // 429 asked for 120 s, more than the 4 s backoff.
    expect((await rt.store.outbox.get(m.id))!.next_attempt_at).toBe(new Date(clock.getTime() + 120_000).toISOString());
    clock = new Date(clock.getTime() + 120_000);
    await sender.flush(now);
    expect(await rt.store.outbox.get(m.id)).toMatchObject({ status: "sent", attempts: 3, provider_id: expect.stringMatching(/^SM/) });

    twilio.reply({ status: 400, code: 63016, message: "outside the 24 h window" });
    const refused = await queued(rt.store.outbox, "c1", "ana", "dos");
    rawDb(rt).prepare("UPDATE outbound_messages SET next_attempt_at = ? WHERE id = ?").run(clock.toISOString(), refused.id);
    await sender.flush(now);
    expect(await rt.store.outbox.get(refused.id)).toMatchObject({ status: "failed", attempts: 1, last_error: "twilio 400 (code 63016): outside the 24 h window" });

    twilio.reply({ status: 503 }, { status: 503 }, { status: 503 });
    const doomed = await queued(rt.store.outbox, "c1", "ana", "tres");
    rawDb(rt).prepare("UPDATE outbound_messages SET next_attempt_at = ? WHERE id = ?").run(clock.toISOString(), doomed.id);
    for (let i = 0; i < 3; i++) {
      await sender.flush(now);
      clock = new Date(clock.getTime() + 3_600_000);
    }
    expect(await rt.store.outbox.get(doomed.id)).toMatchObject({ status: "failed", attempts: 3 });
  });

  it("two senders on one file send a message once", async () => {
    const m = await queued(rt.store.outbox, "c1", "ana", "una sola vez");
    const before = twilio.requests.length;
    await Promise.all([newSender().flush(), newSender().flush()]);
    expect(twilio.requests.slice(before).map((r) => r.form.Body)).toEqual(["una sola vez"]);
    expect((await rt.store.outbox.get(m.id))!.status).toBe("sent");
  });

  it("a restarted sender sends what a previous process left pending", async () => {
    const left = await queued(rt.store.outbox, "c1", "ana", "pendiente");
    const before = twilio.requests.length;
    const sender = newSender();
    sender.start();
    await twilio.received(before + 1);
    await expect.poll(async () => (await rt.store.outbox.get(left.id))!.status).toBe("sent");
    await sender.stop();
    expect(twilio.requests.at(-1)!.form.Body).toBe("pendiente");
  });

  it("keeps one customer's messages in order behind a retry, and keeps the phone number out of the stored error", async () => {
    await rt.store.outbox.setAddress("c2", "whatsapp", "whatsapp:+5215500000002");
    const sender = newSender();
    let clock = new Date(Date.now() + 3_600_000);
    twilio.reply({ status: 503 });
    const first = await queued(rt.store.outbox, "c2", "ana", "1: Hola, soy Ana");
    const second = await queued(rt.store.outbox, "c2", "ana", "2: tu reembolso sale mañana");
    const before = twilio.requests.length;
    await sender.flush(() => clock);
    expect(twilio.requests.slice(before).map((r) => r.form.Body)).toEqual(["1: Hola, soy Ana"]);
    expect((await rt.store.outbox.get(second.id))!.status).toBe("pending");
    // The second waits for the first's retry: nothing is due before it (a sender would otherwise spin).
    expect((await rt.store.outbox.nextDue())!.toISOString()).toBe((await rt.store.outbox.get(first.id))!.next_attempt_at);
    clock = new Date(clock.getTime() + 60_000);
    twilio.reply({ status: 400, code: 21211, message: "The 'To' number whatsapp:+5215500000002 is not a valid phone number." });
    await sender.flush(() => clock);
    // The first is given up (a 400), then the second goes: in order, nothing overtaken.
    expect(twilio.requests.slice(before).map((r) => r.form.Body)).toEqual(["1: Hola, soy Ana", "1: Hola, soy Ana", "2: tu reembolso sale mañana"]);
    expect((await rt.store.outbox.get(first.id))!.status).toBe("failed");
    expect((await rt.store.outbox.get(first.id))!.last_error).not.toMatch(/5215500000002/);
    expect((await rt.store.outbox.get(second.id))!.status).toBe("sent");
  });
});
