import { Client } from "@langchain/langgraph-sdk";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { WorkerOptions } from "../../src/app/runs/worker.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { formatPesos, loadToolData, simulateFinancing } from "../../src/tools/index.js";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { tempDbPath, testRuntime } from "../helpers/runtime.js";

const KEY = "chat-key";
type Db = { dbPath: string } | { postgres: string; schema: string };
const backends: Array<{ name: string; skip: boolean; open(): { db: Db; drop(): Promise<void> } }> = [
  { name: "sqlite", skip: false, open: () => (({ path, cleanup }) => ({ db: { dbPath: path }, drop: async () => cleanup() }))(tempDbPath()) },
  { name: "postgres", skip: !pgReachable, open: () => (({ schema, drop }) => ({ db: { postgres: url, schema }, drop }))(freshSchema()) },
];
const financing = loadToolData().financing;

/** The conversation graph served like care: the official SDK drives a multi-turn chat, /v1 too, through the queue. */
describe.each(backends)("the conversation graph over HTTP ($name)", (b) => {
  describe.skipIf(b.skip)(b.skip ? "skipped: PostgreSQL not reachable" : "", () => {
    let rt: CareRuntime;
    let server: RunningServer;
    let drop: () => Promise<void>;
    let client: Client;
    let base: string;
    const post = (path: string, body: unknown) =>
      fetch(base + path, { method: "POST", headers: { "content-type": "application/json", "x-api-key": KEY }, body: JSON.stringify(body) });

    beforeAll(async () => {
      const opened = b.open();
      drop = opened.drop;
      rt = await testRuntime({ database: opened.db, customers: [] });
      server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: [KEY], ratePerSecond: 1000, rateBurst: 1000 }), createLogger({ level: "silent" }), undefined, WorkerOptions.parse({ slots: 2, pollMs: 50 }));
      base = `http://127.0.0.1:${server.port}`;
      client = new Client({ apiUrl: base, apiKey: KEY });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await rt?.close();
      await drop?.();
    });

    it("holds a multi-turn chat driven by the SDK: slots kept across turns, the payment the simulator's", async () => {
      const thread = await client.threads.create();
      const say = async (content: string) => {
        const values = (await client.runs.wait(thread.thread_id, "conversation", { input: { messages: [{ role: "user", content }] }, context: { channel: "web" } })) as Record<string, any>;
        const last = values.messages.at(-1);
        expect(last.type).toBe("ai");
        return { text: String(last.content), values };
      };
      await say("busco un jetta");
      const cheapest = await say("el más barato");
      const car = cheapest.values.dialog.slots.car;
      expect(car).toMatchObject({ make: "Volkswagen", model: "Jetta" });
      expect(cheapest.text).toContain(formatPesos(car.price * 100));
      const plan = await say("con 20% de enganche a 60 meses");
      const expected = simulateFinancing(financing, { price: car.price, downPayment: Math.round(car.price * 20) / 100, termMonths: 60 });
      expect(expected.ok && plan.text.includes(formatPesos(expected.plans[0]!.monthly_payment_cents))).toBe(true);
      expect(plan.values.messages.filter((m: { type: string }) => m.type === "human")).toHaveLength(3);
      // Every line kept in our tables too, once: three turns of the customer's and the bot's.
      const lines = await rt.store.transcript.thread(thread.thread_id);
      expect(lines.map((l) => l.author)).toEqual(["customer", "bot", "customer", "bot", "customer", "bot"]);
      expect(lines.at(-1)!.text).toBe(plan.text);
      expect(lines.every((l) => l.channel === "web")).toBe(true);
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
      expect((await client.threads.search({ metadata: { graph_id: "conversation" } })).map((t) => t.thread_id)).toContain(thread.thread_id);
      const schemas = await client.assistants.getSchemas("conversation");
      expect(JSON.stringify(schemas.input_schema)).toContain("messages");
      expect(JSON.stringify(schemas.context_schema)).toContain("channel");
    });

    it("answers /v1/chats turn by turn and reads the conversation back; refuses bad input naming the field", async () => {
      const thread = randomUUID();
      const first = await post(`/v1/chats/${thread}/messages`, { message: "hola, ¿cómo funciona la garantía?", customer_id: "c-chat" });
      expect(first.status).toBe(200);
      const out = (await first.json()) as { reply: string; status: string; turn: { intents: string[]; tools: string[] } };
      expect(out.status).toBe("answered");
      expect(out.turn.intents).toContain("company_info");
      expect(out.turn.tools).toContain("search_knowledge");
      expect(out.reply).toMatch(/garant/i);
      const read = (await (await fetch(`${base}/v1/chats/${thread}`, { headers: { "x-api-key": KEY } })).json()) as { messages: Array<{ author: string; text: string; channel: string }> };
      expect(read.messages.map((m) => [m.author, m.channel])).toEqual([["customer", "api"], ["bot", "api"]]);
      expect(read.messages[1]!.text).toBe(out.reply);

      // Another customer on the same thread, a care thread, a bad body: each refused before anything is queued.
      expect((await post(`/v1/chats/${thread}/messages`, { message: "hola", customer_id: "someone-else" })).status).toBe(409);
      const bad = await post(`/v1/chats/${thread}/messages`, { message: 42 });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain("message");
      const careThread = await client.threads.create();
      await rt.store.threads.upsert(careThread.thread_id, "patch", { graph_id: "care" });
      expect((await post(`/v1/chats/${careThread.thread_id}/messages`, { message: "hola" })).status).toBe(409);
      expect((await rt.store.runs.list(careThread.thread_id, { limit: 10, offset: 0 })).length).toBe(0);
    });

    it("refuses a conversation run whose input or context the graph cannot take", async () => {
      const thread = await client.threads.create();
      await expect(client.runs.wait(thread.thread_id, "conversation", { input: { messages: [] } })).rejects.toThrow(/messages/);
      await expect(client.runs.wait(thread.thread_id, "conversation", { input: { messages: [{ role: "user", content: "hola" }] }, context: { channel: "fax" } })).rejects.toThrow(/channel/);
      await expect(client.runs.wait(thread.thread_id, "conversation", { command: { resume: { type: "accept" } } })).rejects.toThrow(/not waiting for a person/);
      expect((await rt.store.runs.list(thread.thread_id, { limit: 10, offset: 0 })).length).toBe(0);
    });
  });
});
