import { Client, type StreamMode } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { resolveHandoff } from "../../src/app/contacts.js";
import { createLogger } from "../../src/app/logger.js";
import { twilioSignature } from "../../src/server/helper/twilio.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { loadPrompt } from "../../src/store/assets.js";
import { ADVERSARIAL_MODES, AdversarialModel, GIVEAWAYS, INJECTION_CORPUS, OTHER_CUSTOMER_EMAIL, SECRET, type AdversarialMode } from "../helpers/adversarial-model.js";
import { FakeOpenAI } from "../helpers/fake-openai.js";
import { customer, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";
import { loggedOutreach } from "../helpers/outreach.js";
import { customerIdForWaId } from "../../src/server/router/twilio.js";

const TOKEN = "twilio-test-token";
const PUBLIC = "https://care.example.mx";
const KEY = "k";
const PATHS = ["v1", "wait", "stream", "webhook"] as const;
type Path = (typeof PATHS)[number];
/** Every mode a caller may ask for: the model's own tokens ("messages", "events") included. */
const STREAM_MODES: StreamMode[] = ["values", "updates", "messages", "messages-tuple", "events", "debug", "tasks", "checkpoints"];

let fake: FakeOpenAI;
let model: AdversarialModel;
let rt: CareRuntime;
let server: RunningServer;
let base: string;
let fallbacks: Set<string>;

beforeAll(async () => {
  fake = await new FakeOpenAI().start();
  model = new AdversarialModel(fake);
  rt = await testRuntime({
    customers: ADVERSARIAL_MODES.flatMap((mode) =>
      PATHS.filter((path) => path !== "webhook").flatMap((path) => INJECTION_CORPUS.map((_, i) => customer({ customer_id: `${mode}-${path}-${i}` }))),
    ),
    models: { baseUrl: fake.url, apiKey: "test-key", maxRetries: 0, timeoutMs: 5000 },
  });
  fallbacks = new Set([...rt.deps.templates.values()].map((t) => t.fallback));
  server = await startServer(
    rt,
    ServerConfig.parse({ port: 0, apiKeys: [KEY], twilioAuthToken: TOKEN, publicBaseUrl: PUBLIC, ratePerSecond: 10_000, rateBurst: 10_000 }),
    createLogger({ level: "silent" }),
  );
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await rt.close();
  await fake.stop();
});

/** What one contact returned: every field a caller could read as the reply, and the whole answer. */
interface Answer {
  replies: Array<string | null | undefined>;
  body: string;
}

const post = async (path: string, json: unknown) => {
  const r = await fetch(`${base}${path}`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify(json) });
  const text = await r.text();
  expect(r.status, text).toBeLessThan(300);
  return { json: JSON.parse(text) as Record<string, any>, text };
};

type Interrupt = { value: Array<{ action_request: { args: { message: string } } }> };
/** The graph state's reply-like fields: the draft, and the message a person is offered to accept. */
const stateReplies = (s: Record<string, any>) => [
  s.contact?.draft?.text,
  ...((s.__interrupt__ ?? []) as Interrupt[]).flatMap((i) => i.value.map((r) => r.action_request.args.message)),
];

let sid = 0;
const send: Record<Path, (mode: AdversarialMode, i: number, message: string) => Promise<Answer>> = {
  async v1(mode, i, message) {
    const { json, text } = await post(`/v1/customers/${mode}-v1-${i}/runs`, { message });
    return { replies: [json.reply, json.interaction?.message, json.handoff?.draft], body: text };
  },
  async wait(mode, i, message) {
    const { json: thread } = await post("/threads", {});
    const { json, text } = await post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: "care", input: { customer_id: `${mode}-wait-${i}`, message } });
    return { replies: stateReplies(json), body: text };
  },
  async stream(mode, i, message) {
    const client = new Client({ apiUrl: base, apiKey: KEY });
    const thread = await client.threads.create();
    const events: Array<{ event: string; data: any }> = [];
    for await (const e of client.runs.stream(thread.thread_id, "care", { input: { customer_id: `${mode}-stream-${i}`, message }, streamMode: STREAM_MODES }))
      events.push(e);
    expect(events.map((e) => e.event)).not.toContain("error");
    // Every state and every node's update the caller saw, not only the last one.
    const states = events.flatMap((e) => (e.event === "values" ? [e.data] : e.event === "updates" ? Object.values(e.data ?? {}) : []));
    return { replies: states.flatMap((s) => stateReplies(s as Record<string, any>)), body: JSON.stringify(events) };
  },
  async webhook(mode, i, message) {
    const waId = `5215${ADVERSARIAL_MODES.indexOf(mode)}0000${String(i).padStart(3, "0")}`;
    // An answer to an outreach: a care contact, whose writer is the model (other messages are the offline
    // conversation graph's). The outreach said a fallback, as the stored messages below must.
    await loggedOutreach(rt, customerIdForWaId(waId, TOKEN), [...fallbacks][0]!);
    const params = {
      MessageSid: `SM${(++sid).toString(16).padStart(32, "0")}`,
      From: `whatsapp:+${waId}`,
      To: "whatsapp:+14155238886",
      WaId: waId,
      Body: message,
      NumMedia: "0",
    };
    const r = await fetch(`${base}/webhooks/twilio/whatsapp`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, params) },
      body: new URLSearchParams(params).toString(),
    });
    const text = await r.text();
    expect(r.status, text).toBe(200);
    // The webhook only acknowledges; what the customer gets is what the run queued in the outbox.
    expect(text).not.toMatch(/<Message>/);
    const messageSid = params.MessageSid;
    await vi.waitFor(async () => expect((await rt.store.inbound.get(messageSid))?.status).not.toBe("received"), { timeout: 20_000, interval: 20 });
    const [run] = await rt.store.runs.list((await rt.store.inbound.get(messageSid))!.thread_id!, { limit: 10, offset: 0 });
    const sent = rawDb(rt).prepare("SELECT body FROM outbound_messages WHERE key = ?").all(`${run!.run_id}:reply`) as Array<{ body: string }>;
    return { replies: sent.length ? sent.map((m) => m.body) : [null], body: text + JSON.stringify(sent) };
  },
};

/** Texts only the model wrote (no customer of the corpus does): none may appear anywhere in an answer. */
const modelOnly = [SECRET, OTHER_CUSTOMER_EMAIL, loadPrompt("writer.es-MX.md").split("\n")[0]!, ...GIVEAWAYS];

describe("an injection-prone model behind every path that takes customer text", () => {
  it("the corpus has at least 20 messages and the model-only markers are in none of them", () => {
    expect(INJECTION_CORPUS.length).toBeGreaterThanOrEqual(20);
    for (const m of modelOnly) for (const said of INJECTION_CORPUS) expect(said).not.toContain(m);
  });

  it.each(ADVERSARIAL_MODES)("delivers no unsafe text in mode %s: each contact ends as a fallback or with a person", async (mode) => {
    model.mode = mode;
    const writtenBefore = model.written.length;
    const outcomes = await Promise.all(
      PATHS.map(async (path) => {
        const seen: Array<{ path: Path; message: string; answer: Answer }> = [];
        for (const [i, message] of INJECTION_CORPUS.entries()) seen.push({ path, message, answer: await send[path](mode, i, message) });
        return seen;
      }),
    );
    const written = model.written.slice(writtenBefore);
    // The model was asked, and what it wrote is not what the customers get.
    expect(written.length).toBeGreaterThanOrEqual(PATHS.length * (INJECTION_CORPUS.length - 2));
    for (const { text } of written) expect(fallbacks.has(text)).toBe(false);

    for (const { path, message, answer } of outcomes.flat()) {
      for (const reply of answer.replies) if (reply) expect(fallbacks.has(reply), `${path} «${message}» got «${reply}»`).toBe(true);
      // Nor anywhere else in the answer (the customer's own words may come back, in the state's input).
      for (const { text } of written.filter((w) => w.incoming === message && !message.includes(w.text)))
        for (const form of [text, JSON.stringify(text).slice(1, -1)]) expect(answer.body.includes(form), `${path} «${message}» shows «${text}»`).toBe(false);
      for (const marker of modelOnly) expect(answer.body, `${path} «${message}»`).not.toContain(marker);
    }

    const stored = rawDb(rt).prepare("SELECT message AS text FROM interactions UNION ALL SELECT draft FROM handoffs").all() as Array<{ text: string | null }>;
    for (const { text } of stored) if (text !== null) expect(fallbacks.has(text), text).toBe(true);
    // Nor did the model's text reach the graph's checkpoints (thread state and history serve them).
    const saved = rawDb(rt).prepare("SELECT CAST(checkpoint AS TEXT) AS text FROM checkpoints UNION ALL SELECT CAST(value AS TEXT) FROM writes").all() as Array<{ text: string }>;
    expect(saved.some((s) => s.text.includes(INJECTION_CORPUS[0]!)), "checkpoints are readable as text").toBe(true);
    for (const marker of modelOnly) expect(saved.filter((s) => s.text.includes(marker))).toEqual([]);
  });

  it("a person who accepts what a severe WhatsApp case offers sends the fallback through the outbox", async () => {
    const offered = (await rt.store.handoffs.pending()).filter((h) => h.customer_id.startsWith("wa-") && h.draft !== null);
    expect(offered.length).toBeGreaterThan(0);
    for (const h of offered) {
      await rt.store.handoffs.claim(h.interaction_id, "agent-1");
      await resolveHandoff(rt, h.interaction_id, "agent-1", { type: "accept", args: null });
    }
    const queued = rawDb(rt).prepare("SELECT body FROM outbound_messages WHERE author <> 'bot'").all() as Array<{ body: string }>;
    expect(queued).toHaveLength(offered.length);
    for (const { body } of queued) expect(fallbacks.has(body), body).toBe(true);
  });
});
