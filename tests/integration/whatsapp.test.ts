import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { twilioSignature } from "../../src/server/helper/twilio.js";
import { customerIdForWaId } from "../../src/server/router/twilio.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

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
    const m = message({ Body: "Me cobraron dos veces la mensualidad, ya es el colmo" });
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
    const first = message({ WaId: waId, Body: "Si no me resuelven voy a ir a PROFECO" });
    const threat = await post(first);
    expect(threat.text).toBe(EMPTY);
    await settled(first.MessageSid);
    const later = await post(message({ WaId: waId, Body: "¿Hola? ¿Alguien?" }));
    expect(later.text).toBe(EMPTY);
    const customerId = customerIdForWaId(waId, TOKEN);
    expect((await rt.store.outbox.recent(customerId)).length).toBe(0);
    expect(count(`SELECT count(*) AS n FROM interactions WHERE customer_id = '${customerId}'`)).toBe(0);
    expect((await rt.store.ownership.get(customerId)).owner).toBe("human");
    // The agent who takes the conversation reads what the customer wrote meanwhile.
    expect((await rt.store.inbound.recent(customerId)).map((m) => m.body)).toEqual(["¿Hola? ¿Alguien?", "Si no me resuelven voy a ir a PROFECO"]);
  });
});
