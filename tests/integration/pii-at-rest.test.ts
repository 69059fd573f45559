import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { openDb } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { twilioSignature } from "../../src/server/helper/twilio.js";
import { customerIdForWaId } from "../../src/server/router/twilio.js";
import { testApp } from "../helpers/app.js";
import { FakeOpenAI } from "../helpers/fake-openai.js";
import { ctx, customer, tempDbPath, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

/** A card (Luhn-valid) and a phone as customers type them, and every way they could sit in a column. */
const CARD = "4242 4242 4242 4242";
const PHONE = "+52 55 8765 4321";
const RAW = [CARD, "4242424242424242", "8765 4321", "87654321"];
const MESSAGE = `Me cobraron dos veces en la tarjeta ${CARD}, llámenme al ${PHONE} por favor`;
const MASKED = "Me cobraron dos veces en la tarjeta **** **** **** 4242, llámenme al [teléfono] por favor";

const TOKEN = "twilio-test-token";
const PUBLIC = "https://care.example.mx";
const WA_FROM = "whatsapp:+5215511112222";

/** Every cell of every table of the SQLite file (checkpoint blobs read as UTF-8) that holds a raw number. */
function rawCells(rt: CareRuntime): string[] {
  const tables = rawDb(rt).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
  const hits: string[] = [];
  for (const { name } of tables)
    for (const row of rawDb(rt).prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>)
      for (const [column, value] of Object.entries(row)) {
        const text = Buffer.isBuffer(value) || value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : String(value);
        if (RAW.some((r) => text.includes(r))) hits.push(`${name}.${column}`);
      }
  return hits;
}
const cellsWith = (rt: CareRuntime, needle: string) => {
  const before = RAW.splice(0, RAW.length, needle);
  try {
    return rawCells(rt);
  } finally {
    RAW.splice(0, RAW.length, ...before);
  }
};

describe("personal data at rest", () => {
  let db: ReturnType<typeof tempDbPath>;
  let rt: CareRuntime;
  let app: ReturnType<typeof testApp>;
  const key = { authorization: "Bearer k", "content-type": "application/json" };
  beforeAll(async () => {
    db = tempDbPath();
    // A customer unlikely to churn: the contact ends with a reply, not a hand-off (what is masked is checked on both).
    rt = await testRuntime({ dbPath: db.path, customers: [customer({ customer_id: "c1", churn_risk_est: 0.1 })] });
    app = testApp(rt, { twilio: { authToken: TOKEN, publicBaseUrl: PUBLIC } });
  });
  afterAll(async () => {
    await rt.close();
    db.cleanup();
  });

  it("masks the customer's message before it is checkpointed, by every path into the graph", async () => {
    const run = await app.request("/v1/customers/c1/runs", { method: "POST", headers: key, body: JSON.stringify({ message: MESSAGE }) });
    expect(run.status).toBe(200);

    const thread = async () => ((await (await app.request("/threads", { method: "POST", headers: key, body: "{}" })).json()) as { thread_id: string }).thread_id;
    const waited = await app.request(`/threads/${await thread()}/runs/wait`, {
      method: "POST",
      headers: key,
      body: JSON.stringify({ assistant_id: "care", input: { customer_id: "c1", message: MESSAGE } }),
    });
    expect(waited.status).toBe(200);
    expect((await waited.json()).message).toBe(MASKED);

    const streamed = await app.request(`/threads/${await thread()}/runs/stream`, {
      method: "POST",
      headers: key,
      body: JSON.stringify({ assistant_id: "care", input: { customer_id: "c1", message: MESSAGE }, stream_mode: ["values"] }),
    });
    expect(streamed.status).toBe(200);
    const events = await streamed.text();
    expect(events).toContain(MASKED);

    // The CLI's path: the graph itself.
    await rt.graph.invoke({ customer_id: "c1", message: MESSAGE }, { configurable: { thread_id: "cli" }, context: ctx() });

    expect(rawCells(rt)).toEqual([]);
    expect(cellsWith(rt, "**** **** **** 4242").some((cell) => cell.startsWith("checkpoint"))).toBe(true);
  });

  it("masks a WhatsApp message in inbound_messages and customers.first_message; the address stays where it is documented", async () => {
    const params = { MessageSid: `SM${"a".repeat(32)}`, From: WA_FROM, To: "whatsapp:+14155238886", WaId: "5215511112222", Body: MESSAGE, NumMedia: "0" };
    const r = await app.request("/webhooks/twilio/whatsapp", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(r.status).toBe(200);
    const id = customerIdForWaId("5215511112222", TOKEN);
    expect((await rt.store.customers.get(id))?.first_message).toBe(MASKED);
    expect((await rt.store.inbound.recent(id))[0]?.body).toBe(MASKED);
    expect(rawCells(rt)).toEqual([]);
    expect(cellsWith(rt, "5215511112222")).toEqual(["channel_addresses.address"]);
  });

  it("masks first_message and mini_story of a customer created through the API", async () => {
    const created = await app.request("/v1/customers", { method: "POST", headers: key, body: JSON.stringify(customer({ customer_id: "c2", first_message: MESSAGE, mini_story: `Pagó con la ${CARD}.` })) });
    expect(created.status).toBeLessThan(300);
    expect(await rt.store.customers.get("c2")).toMatchObject({ first_message: MASKED, mini_story: "Pagó con la **** **** **** 4242." });
    expect(rawCells(rt)).toEqual([]);
  });
});

describe("a database written before masking", () => {
  it("is masked by the next migration", async () => {
    const file = tempDbPath();
    try {
      // A file as the steps before masking left it (later steps need not run twice: they cannot all).
      const step = MIGRATIONS.findIndex((m) => m.includes("redact_pii"));
      const old = new Database(file.path);
      for (const m of MIGRATIONS.slice(0, step)) old.exec(m);
      old.pragma(`user_version = ${step}`);
      const c = customer({ customer_id: "c1" });
      old
        .prepare(
          "INSERT INTO customers (customer_id, segment, is_vocal, last_purchase_days, price, issues_flag, past_nps, first_message, channel_pref, churn_risk_est, issue_bucket, mini_story) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(c.customer_id, c.segment, Number(c.is_vocal), c.last_purchase_days, c.price, c.issues_flag, c.past_nps, MESSAGE, c.channel_pref, c.churn_risk_est, c.issue_bucket, `Pagó con la ${CARD}.`);
      old.prepare("INSERT INTO inbound_messages (message_sid, customer_id, thread_id, status, body) VALUES ('SM1', 'c1', 't1', 'received', ?)").run(MESSAGE);
      old.close();

      const db = openDb(file.path);
      try {
        expect(db.prepare("SELECT first_message, mini_story FROM customers").get()).toEqual({ first_message: MASKED, mini_story: "Pagó con la **** **** **** 4242." });
        expect(db.prepare("SELECT body FROM inbound_messages").get()).toEqual({ body: MASKED });
      } finally {
        db.close();
      }
    } finally {
      file.cleanup();
    }
  });
});

describe("what a model reads", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await new FakeOpenAI().start();
  });
  afterAll(() => fake.stop());

  it("never holds a card or phone number, even from a record stored before masking", async () => {
    fake.otherwise((req) =>
      req.response_format?.type === "json_schema"
        ? { kind: "content", content: JSON.stringify({ nps_expected: 8, engagement_prob: 0.7, churn_prob: 0.1, aspect_sentiment: { finanzas: 0, mecanica: 0, logistica: 0, atencion: 0.2 }, rationale: "ok" }) }
        : { kind: "content", content: "Hola, revisamos el cargo y te llamamos en menos de 24 horas. — Equipo Kavak" },
    );
    const rt = await testRuntime({
      customers: [customer({ customer_id: "old" })],
      models: { baseUrl: fake.url, apiKey: "test-key", writerModel: "w", judgeModel: "j", maxRetries: 0, retryBaseMs: 5, timeoutMs: 2000 },
    });
    try {
      // A row written before this change, straight into the table.
      rawDb(rt).prepare("UPDATE customers SET first_message = ?, mini_story = ? WHERE customer_id = 'old'").run(MESSAGE, `Cliente con tarjeta ${CARD}.`);
      await rt.graph.invoke({ customer_id: "old" }, { configurable: { thread_id: "llm" }, context: ctx() });
      const sent = JSON.stringify(fake.requests.map((r) => r.messages));
      expect(fake.requests.length).toBeGreaterThanOrEqual(2);
      for (const raw of RAW) expect(sent).not.toContain(raw);
      expect(sent).toContain("**** **** **** 4242");
    } finally {
      await rt.close();
    }
  });
});
