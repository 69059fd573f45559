import { afterAll, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/server/helper/prometheus.js";
import { RunSlots } from "../../src/server/helper/run-slots.js";
import { twilioSignature } from "../../src/server/helper/twilio.js";
import { addAgents } from "../helpers/agents.js";
import { testApp } from "../helpers/app.js";
import { customer, testRuntime } from "../helpers/runtime.js";

const TOKEN = "twilio-test-token";
const PUBLIC = "https://care.example.mx";
const rt = await testRuntime({ customers: [customer({ customer_id: "c1", churn_risk_est: 0.1 }), customer({ customer_id: "c2", churn_risk_est: 0.1 })] });
await addAgents(rt.store);
afterAll(() => rt.close());
const slots = new RunSlots(1, 1);
const metrics = createMetrics({ pendingHandoffs: () => 0 });
metrics.watchRunSlots(slots);
const app = testApp(rt, { twilio: { authToken: TOKEN, publicBaseUrl: PUBLIC }, runSlots: slots, metrics });
const post = (path: string, body: unknown, signal?: AbortSignal) =>
  app.request(path, { method: "POST", headers: { authorization: "Bearer k", "content-type": "application/json" }, body: JSON.stringify(body), signal });
const run = (id: string, signal?: AbortSignal) => post(`/v1/customers/${id}/runs`, {}, signal); // churn_risk_est 0.1 keeps the judge's churn under 0.73: no escalation
const until = async (done: () => boolean) => {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
};
const errorCode = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

describe("run admission", () => {
  it("makes a run wait for a slot, refuses one past the line with 503 and Retry-After, and stores nothing for it", async () => {
    const held = await slots.acquire();
    const waiting = run("c1");
    await until(() => slots.waiting === 1);
    const refused = await run("c2");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await errorCode(refused)).toBe("overloaded");
    expect((await rt.store.interactions.list()).filter((i) => i.customer_id === "c2")).toEqual([]);
    expect(await (await app.request("/metrics")).text()).toMatch(/care_graph_graph_runs\{state="waiting"\} 1/);
    held();
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { interaction: { customer_id: string } }).interaction.customer_id).toBe("c1");
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });

  it("puts hand-off resolves and runs/wait in the same line", async () => {
    const held = await slots.acquire();
    const queued = run("c1");
    await until(() => slots.waiting === 1);
    const resolve = await post("/v1/handoffs/i-missing/resolve", { agent: "ana", response: { type: "ignore", args: null } });
    const wait = await post(`/threads/${crypto.randomUUID()}/runs/wait`, { assistant_id: "care", input: { customer_id: "c2" } });
    expect([resolve.status, wait.status]).toEqual([503, 503]);
    // A read is never in line.
    expect((await app.request("/v1/policy", { headers: { authorization: "Bearer k" } })).status).toBe(200);
    held();
    expect((await queued).status).toBe(200);
  });

  it("lets a caller that hangs up leave the line without an error, and its slot is never taken", async () => {
    const held = await slots.acquire();
    const hangUp = new AbortController();
    const leaving = run("c2", hangUp.signal);
    await until(() => slots.waiting === 1);
    hangUp.abort();
    const left = await leaving;
    expect(left.status).toBe(503);
    expect(await errorCode(left)).toBe("abandoned");
    expect(slots.waiting).toBe(0);
    held();
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });

  it("checks the webhook's signature, and queues a signed message whatever the line's length: it waits in no line", async () => {
    const held = await slots.acquire();
    const blocker = run("c1");
    await until(() => slots.waiting === 1);
    const params = { MessageSid: `SM${"a".repeat(32)}`, AccountSid: `AC${"0".repeat(32)}`, From: "whatsapp:+5215512345678", To: "whatsapp:+14155238886", WaId: "5215512345678", Body: "¿Cuándo llega mi auto?", NumMedia: "0" };
    const webhook = (signature: string) =>
      app.request(`${PUBLIC}/webhooks/twilio/whatsapp`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, body: new URLSearchParams(params).toString() });
    expect((await webhook("forged")).status).toBe(403);
    // The line is full (one waits for the one slot); Twilio does not resend a refused message, and is answered at once.
    const answer = await webhook(twilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/whatsapp`, params));
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response/>`);
    expect([slots.running, slots.waiting]).toEqual([1, 1]);
    expect((await rt.store.inbound.get(params.MessageSid))!.thread_id).toBeTruthy();
    expect(await rt.store.runs.open((await rt.store.inbound.get(params.MessageSid))!.thread_id!)).toHaveLength(1);
    held();
    expect((await blocker).status).toBe(200);
  });
});

describe("run slots from the environment", () => {
  it("runs a few at once offline, many with an LLM (its runs wait on the network), and takes an explicit setting", async () => {
    const { serverConfigFromEnv } = await import("../../src/server/serve.js");
    expect(serverConfigFromEnv({}).runConcurrency).toBe(4);
    expect(serverConfigFromEnv({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }).runConcurrency).toBe(64);
    expect(serverConfigFromEnv({ OPENAI_API_KEY: "sk-test", RUN_CONCURRENCY: "8", RUN_QUEUE: "0" })).toMatchObject({ runConcurrency: 8, runQueue: 0 });
    expect(() => serverConfigFromEnv({ RUN_CONCURRENCY: "0" })).toThrow(/^RUN_CONCURRENCY: /);
  });
});
