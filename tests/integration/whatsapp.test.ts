import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { twilioSignature } from "../../src/server/helper/twilio.js";
import { customerIdForWaId } from "../../src/server/router/twilio.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";
import { outreachTo } from "../helpers/outreach.js";
import { FakeTwilio } from "../helpers/fake-twilio.js";
import { conversationThreadId } from "../../src/app/channels/identity.js";
import { loadChannelSettings } from "../../src/store/assets.js";
import { formatPesos } from "../../src/tools/index.js";

const TOKEN = "twilio-test-token";
const PUBLIC = "https://care.example.mx";
let rt: CareRuntime;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  rt = await testRuntime({ customers: [] });
  server = await startServer(
    rt,
    ServerConfig.parse({ port: 0, apiKeys: ["k"], twilioAuthToken: TOKEN, publicBaseUrl: PUBLIC }),
    createLogger({ level: "silent" }),
  );
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await rt.close();
});

let sid = 0;
const nextSid = () => `SM${(++sid).toString(16).padStart(32, "0")}`;
const message = (over: Record<string, string> = {}) => ({
  MessageSid: nextSid(),
  AccountSid: "AC00000000000000000000000000000000",
  From: "whatsapp:+5215512345678",
  To: "whatsapp:+14155238886",
  WaId: "5215512345678",
  ProfileName: "Juan Pérez",
  Body: "Hola, ¿me confirman el día de entrega de mi auto?",
  NumMedia: "0",
  ...over,
});

async function post(params: Record<string, string>, signature = twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, params)) {
  const r = await fetch(`${base}/webhooks/twilio/whatsapp`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
}
const count = (sql: string) => (rawDb(rt).prepare(sql).get() as { n: number }).n;
const EMPTY = `<?xml version="1.0" encoding="UTF-8"?><Response/>`;
/** A message's run has ended: the message is no longer just received. */
const settled = (sid: string) =>
  vi.waitFor(async () => expect((await rt.store.inbound.get(sid))?.status).not.toBe("received"), { timeout: 10_000, interval: 20 });

describe("WhatsApp webhook (Twilio)", () => {
  it("acknowledges a signed message with empty TwiML, answers it through the outbox, and keeps the phone number out of the customer id", async () => {
    // An answer to an outreach: the care graph's (any other message is the conversation graph's: below).
    await outreachTo(rt, customerIdForWaId("5215512345678", TOKEN));
    const m = message();
    const r = await post(m);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/text\/xml/);
    expect(r.text).toBe(EMPTY);
    await settled(m.MessageSid);
    const id = customerIdForWaId("5215512345678", TOKEN);
    const inbound = (await rt.store.inbound.get(m.MessageSid))!;
    expect(inbound.status).toBe("answered");
    const [reply] = await rt.store.outbox.recent(id);
    expect(reply).toMatchObject({ author: "bot", status: "pending", body: inbound.reply });
    expect(reply!.body).toMatch(/^Hola.*Kavak/s);
    expect(id).not.toBe(customerIdForWaId("5215512345678", "another-secret"));
    expect(await rt.store.customers.get(id)).toMatchObject({ segment: "VF", issue_bucket: "logistica", channel_pref: "whatsapp" });
  });

  it("handles a replayed MessageSid once: one run, one reply queued", async () => {
    const m = message({ WaId: "5215512340000", Body: "Me cobraron dos veces la mensualidad, ya es el colmo" });
    await outreachTo(rt, customerIdForWaId(m.WaId, TOKEN));
    const before = count("SELECT count(*) AS n FROM interactions");
    const replies = count("SELECT count(*) AS n FROM outbound_messages");
    const first = await post(m);
    await settled(m.MessageSid);
    const second = await post(m);
    expect([first.text, second.text]).toEqual([EMPTY, EMPTY]);
    expect(count("SELECT count(*) AS n FROM runs")).toBe(count("SELECT count(*) AS n FROM inbound_messages WHERE status <> 'human'"));
    expect(count("SELECT count(*) AS n FROM interactions")).toBe(before + 1);
    expect(count("SELECT count(*) AS n FROM outbound_messages")).toBe(replies + 1);
  });

  it("rejects a bad signature with 403 and stores nothing", async () => {
    const m = message({ WaId: "5219990001111" });
    const before = [count("SELECT count(*) AS n FROM customers"), count("SELECT count(*) AS n FROM inbound_messages")];
    const r = await post(m, "bm90LXRoZS1zaWduYXR1cmU=");
    expect(r.status).toBe(403);
    const tampered = await post({ ...m, Body: "otro texto" }, twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, m));
    expect(tampered.status).toBe(403);
    expect([count("SELECT count(*) AS n FROM customers"), count("SELECT count(*) AS n FROM inbound_messages")]).toEqual(before);
  });

  it("rejects a signed but malformed message with 400 naming the field", async () => {
    const r = await post(message({ WaId: "not-digits" }));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.issues[0].path).toBe("form.WaId");
  });

  it("sends nothing while a person owns the conversation", async () => {
    const waId = "5213337778888";
    await outreachTo(rt, customerIdForWaId(waId, TOKEN));
    const first = message({ WaId: waId, Body: "Si no me resuelven voy a ir a PROFECO" });
    const threat = await post(first);
    expect(threat.text).toBe(EMPTY);
    await settled(first.MessageSid);
    const later = await post(message({ WaId: waId, Body: "¿Hola? ¿Alguien?" }));
    expect(later.text).toBe(EMPTY);
    const customerId = customerIdForWaId(waId, TOKEN);
    expect((await rt.store.outbox.recent(customerId)).length).toBe(0);
    // The outreach's only: the escalated contact is logged once a person has answered.
    expect(count(`SELECT count(*) AS n FROM interactions WHERE customer_id = '${customerId}'`)).toBe(1);
    expect((await rt.store.ownership.get(customerId)).owner).toBe("human");
    // The agent who takes the conversation reads what the customer wrote meanwhile.
    expect((await rt.store.inbound.recent(customerId)).map((m) => m.body)).toEqual(["¿Hola? ¿Alguien?", "Si no me resuelven voy a ir a PROFECO"]);
  });
});

describe("WhatsApp messages: an answer to a care outreach goes to care, any other to the conversation graph", () => {
  const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
  const FROM = "whatsapp:+14155238886";
  let rt: CareRuntime;
  let server: RunningServer;
  let twilio: FakeTwilio;
  let url: string;

  beforeAll(async () => {
    twilio = await new FakeTwilio().start();
    rt = await testRuntime({ customers: [] });
    const cfg = ServerConfig.parse({ port: 0, apiKeys: ["k"], twilioAuthToken: TOKEN, publicBaseUrl: PUBLIC, twilioAccountSid: ACCOUNT, twilioWhatsAppFrom: FROM, twilioApiBase: twilio.url });
    server = await startServer(rt, cfg, createLogger({ level: "silent" }));
    url = `http://127.0.0.1:${server.port}/webhooks/twilio/whatsapp`;
  });
  afterAll(async () => {
    await server.close();
    await rt.close();
    await twilio.close();
  });

  const say = async (waId: string, Body: string) => {
    const m = message({ WaId: waId, From: `whatsapp:+${waId}`, Body });
    const r = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, m) },
      body: new URLSearchParams(m).toString(),
    });
    expect(r.status).toBe(200);
    await vi.waitFor(async () => expect((await rt.store.inbound.get(m.MessageSid))?.status).toBe("answered"), { timeout: 15_000, interval: 20 });
    return (await rt.store.inbound.get(m.MessageSid))!;
  };
  /** What the fake Twilio was asked to send to this number, in order. */
  const sentTo = (waId: string) => twilio.requests.filter((r) => r.form.To === `whatsapp:+${waId}`).map((r) => r.form.Body);
  const graphOf = async (threadId: string | null) => (await rt.store.threads.get(threadId!))?.metadata.graph_id;
  const contacts = (customerId: string) => count(`SELECT count(*) AS n FROM interactions WHERE customer_id = '${customerId}'`);
  const count = (sql: string) => (rawDb(rt).prepare(sql).get() as { n: number }).n;

  it("talks with a customer no outreach reached in the conversation graph, on one thread, the replies through Twilio", async () => {
    const waId = "5215500001111";
    const customerId = customerIdForWaId(waId, TOKEN);
    const first = await say(waId, "busco un jetta");
    expect(first.thread_id).toBe(conversationThreadId(customerId, "whatsapp"));
    expect(await graphOf(first.thread_id)).toBe("conversation");
    const second = await say(waId, "el más barato");
    expect(second.thread_id).toBe(first.thread_id);
    // The conversation remembers: "el más barato" is the cheapest Jetta.
    const car = ((await rt.conversation.getState({ configurable: { thread_id: first.thread_id } })).values as { dialog: { slots: { car: { model: string; price: number } } } }).dialog.slots.car;
    expect(car.model).toBe("Jetta");
    await vi.waitFor(() => expect(sentTo(waId)).toHaveLength(2), { timeout: 10_000, interval: 20 });
    expect(sentTo(waId)).toEqual([first.reply, second.reply]);
    expect(sentTo(waId)[1]).toContain("Jetta");
    expect(sentTo(waId)[1]).toContain(formatPesos(car.price * 100));
    expect(contacts(customerId)).toBe(0);
    // Care keeps the customer's record, as for every WhatsApp message: an outreach can reach them later.
    expect(await rt.store.customers.get(customerId)).toMatchObject({ channel_pref: "whatsapp", is_vocal: true });
  });

  it("takes the first message after a recent outreach as its answer (a care contact); the next one is a conversation", async () => {
    const waId = "5215500002222";
    const customerId = customerIdForWaId(waId, TOKEN);
    await outreachTo(rt, customerId);
    const answer = await say(waId, "Hola, gracias, ¿me confirman el día de entrega de mi auto?");
    expect(await graphOf(answer.thread_id)).toBe("care");
    expect(contacts(customerId)).toBe(2);
    const next = await say(waId, "busco un jetta");
    expect(next.thread_id).toBe(conversationThreadId(customerId, "whatsapp"));
    expect(contacts(customerId)).toBe(2);
    await vi.waitFor(() => expect(sentTo(waId)).toEqual([answer.reply, next.reply]), { timeout: 10_000, interval: 20 });
  });

  it("takes a message after the window (data/channels.json) as a conversation, not an answer to the outreach", async () => {
    const waId = "5215500003333";
    const customerId = customerIdForWaId(waId, TOKEN);
    await outreachTo(rt, customerId);
    const past = new Date(Date.now() - (loadChannelSettings().outreach_reply_hours + 1) * 3_600_000).toISOString();
    rawDb(rt).prepare("UPDATE interactions SET created_at = ? WHERE customer_id = ?").run(past, customerId);
    const late = await say(waId, "busco un jetta");
    expect(await graphOf(late.thread_id)).toBe("conversation");
    expect(contacts(customerId)).toBe(1);
  });
});
