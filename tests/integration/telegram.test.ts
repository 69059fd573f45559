import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { conversationThreadId } from "../../src/app/channels/identity.js";
import { telegramSender, TelegramBotConfig } from "../../src/app/channels/telegram.js";
import { createLogger } from "../../src/app/logger.js";
import { WorkerOptions } from "../../src/app/runs/worker.js";
import { customerIdForChat } from "../../src/server/router/telegram.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import type { DueMessage } from "../../src/store/outbox.js";
import { testApp } from "../helpers/app.js";
import { FakeTelegram } from "../helpers/fake-telegram.js";
import { testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

const SECRET = "telegram-webhook-secret_0123";
const TOKEN = "7012345678:AAHfakeTokenForTests_abcdefghijklm";

let updateId = 500_000;
/** A private chat's text message, as the Bot API delivers it. */
const textUpdate = (chatId: number, text: string) => {
  const id = ++updateId;
  return {
    update_id: id,
    message: {
      message_id: id,
      from: { id: chatId, is_bot: false, first_name: "Juan", language_code: "es" },
      chat: { id: chatId, first_name: "Juan", type: "private" },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  };
};

describe("Telegram webhook and sendMessage", () => {
  let rt: CareRuntime;
  let server: RunningServer;
  let telegram: FakeTelegram;
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    telegram = await new FakeTelegram(TOKEN).start();
    rt = await testRuntime({ customers: [] });
    const cfg = ServerConfig.parse({ port: 0, apiKeys: ["k"], telegramWebhookSecret: SECRET, telegramBotToken: TOKEN, telegramApiBase: telegram.url });
    server = await startServer(rt, cfg, createLogger({ level: "debug", destination: { write: (line: string) => void logs.push(line) } }), undefined, WorkerOptions.parse({ slots: 2, pollMs: 50 }));
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await rt.close();
    await telegram.close();
  });

  /** `secret` null: no header at all. */
  const post = (update: unknown, secret: string | null = SECRET) =>
    fetch(`${base}/webhooks/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret !== null && { "x-telegram-bot-api-secret-token": secret }) },
      body: JSON.stringify(update),
    });
  const count = (sql: string) => (rawDb(rt).prepare(sql).get() as { n: number }).n;
  const stored = () => [count("SELECT count(*) AS n FROM inbound_messages"), count("SELECT count(*) AS n FROM customers"), count("SELECT count(*) AS n FROM runs")];
  /** Posts a text message and waits for its run to end. */
  const say = async (chatId: number, text: string) => {
    const u = textUpdate(chatId, text);
    expect((await post(u)).status).toBe(200);
    await vi.waitFor(async () => expect((await rt.store.inbound.get(`tg:${u.update_id}`))?.status).toBe("answered"), { timeout: 15_000, interval: 20 });
    return (await rt.store.inbound.get(`tg:${u.update_id}`))!;
  };
  const delivered = (chatId: number, n: number) => vi.waitFor(() => expect(telegram.sentTo(chatId)).toHaveLength(n), { timeout: 15_000, interval: 20 });

  it("refuses a wrong or missing secret with 403 and stores nothing", async () => {
    const before = stored();
    const u = textUpdate(222000111, "hola");
    expect((await post(u, "not-the-secret-at-all-0000")).status).toBe(403);
    expect((await post(u, null)).status).toBe(403);
    expect((await post(u, SECRET.slice(0, -1))).status).toBe(403);
    expect(stored()).toEqual(before);
  });

  it("answers through sendMessage, and a second message continues the same conversation", async () => {
    const chat = 333000111;
    const customerId = customerIdForChat(chat, TOKEN);
    const first = await say(chat, "busco un jetta");
    await delivered(chat, 1);
    const second = await say(chat, "el más barato");
    await delivered(chat, 2);
    expect(telegram.sentTo(chat)).toEqual([first.reply, second.reply]);
    // The conversation remembers: "el más barato" is the cheapest of the Jettas it showed.
    const car = ((await rt.conversation.getState({ configurable: { thread_id: first.thread_id! } })).values as { dialog: { slots: { car: { model: string } } } }).dialog.slots.car;
    expect(car.model).toBe("Jetta");
    expect(second.reply).toContain("Jetta");
    expect([first.thread_id, second.thread_id]).toEqual([conversationThreadId(customerId, "telegram"), conversationThreadId(customerId, "telegram")]);
    expect((await rt.store.threads.get(first.thread_id!))!.metadata).toMatchObject({ graph_id: "conversation", customer_id: customerId, context: { channel: "telegram", customer_id: customerId } });
    // The bot's token in the path, the chat id as the integer Telegram gave.
    expect(telegram.requests.at(-1)).toMatchObject({ method: "sendMessage", token: TOKEN, body: { chat_id: chat, text: second.reply } });
    expect(customerId).toMatch(/^tg-[0-9a-f]{20}$/);
    expect(await rt.store.outbox.address(customerId)).toEqual({ channel: "telegram", address: String(chat) });
    // Care keeps no record of a customer it cannot reach: the conversation graph keeps their profile.
    expect(await rt.store.customers.get(customerId)).toBeUndefined();
  });

  it("handles a redelivered update once: one run, one reply", async () => {
    const chat = 444000111;
    const u = textUpdate(chat, "hola, ¿qué horario tienen?");
    const statuses = await Promise.all([post(u), post(u)]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200]);
    await vi.waitFor(async () => expect((await rt.store.inbound.get(`tg:${u.update_id}`))?.status).toBe("answered"), { timeout: 15_000, interval: 20 });
    expect((await post(u)).status).toBe(200);
    const customerId = customerIdForChat(chat, TOKEN);
    await vi.waitFor(async () => expect((await rt.store.outbox.recent(customerId)).map((m) => m.status)).toEqual(["sent"]), { timeout: 15_000, interval: 20 });
    expect(count(`SELECT count(*) AS n FROM runs WHERE thread_id = '${conversationThreadId(customerId, "telegram")}'`)).toBe(1);
    expect(telegram.sentTo(chat)).toHaveLength(1);
  });

  it("delivers once through a 429: waits what retry_after asks, then sends", async () => {
    const chat = 555000111;
    telegram.reply({ error_code: 429, retry_after: 1 });
    const before = telegram.requests.length;
    const m = await say(chat, "busco un versa");
    await delivered(chat, 1);
    expect(telegram.sentTo(chat)).toEqual([m.reply]);
    expect(telegram.requests.length - before).toBe(2);
    const [row] = await rt.store.outbox.recent(customerIdForChat(chat, TOKEN));
    expect(row).toMatchObject({ status: "sent", attempts: 2, provider_id: expect.stringMatching(/^\d+$/) });
    // The bot's token (it is in the URL) and the chat id appear in no log line, the 429's warning included.
    expect(logs.some((l) => l.includes("will be retried"))).toBe(true);
    expect(logs.filter((l) => l.includes(TOKEN) || l.includes(String(chat)))).toEqual([]);
  });

  it("acknowledges and ignores what is not a private chat's text", async () => {
    const before = stored();
    const chat = { id: 666000111, first_name: "Juan", type: "private" };
    const from = { id: 666000111, is_bot: false, first_name: "Juan" };
    const updates = [
      { update_id: ++updateId, message: { message_id: 1, from, chat, date: 1, photo: [{ file_id: "x", file_unique_id: "y", width: 90, height: 90 }] } },
      { update_id: ++updateId, message: { message_id: 2, from, chat: { id: -100123, title: "Grupo", type: "supergroup" }, date: 1, text: "hola a todos" } },
      { update_id: ++updateId, edited_message: { message_id: 3, from, chat, date: 1, edit_date: 2, text: "busco un jetta" } },
      { update_id: ++updateId, callback_query: { id: "1", from, chat_instance: "1", data: "x" } },
      { update_id: ++updateId, my_chat_member: { chat, from, date: 1, old_chat_member: {}, new_chat_member: {} } },
    ];
    for (const u of updates) expect((await post(u)).status).toBe(200);
    expect(stored()).toEqual(before);
  });

  it("refuses a malformed update with 400 naming the field", async () => {
    const r = await post({ message: { message_id: 1, chat: { id: 1, type: "private" }, text: "hola" } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { issues: Array<{ path: string }> } }).error.issues[0]!.path).toBe("body.update_id");
  });

  it("answers 503 while Telegram is not configured", async () => {
    const app = testApp(rt);
    const r = await app.request("/webhooks/telegram", { method: "POST", headers: { "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(textUpdate(1, "hola")) });
    expect(r.status).toBe(503);
  });
});

describe("the Telegram sender", () => {
  let telegram: FakeTelegram;
  beforeAll(async () => {
    telegram = await new FakeTelegram(TOKEN).start();
  });
  afterAll(() => telegram.close());

  const message = (over: Partial<DueMessage> = {}): DueMessage => ({
    id: 1,
    customer_id: "tg-1",
    author: "bot",
    body: "Hola",
    status: "pending",
    attempts: 0,
    next_attempt_at: new Date().toISOString(),
    provider_id: null,
    last_error: null,
    created_at: new Date().toISOString(),
    sent_at: null,
    channel: "telegram",
    address: "987654321",
    ...over,
  });
  const send = (token = TOKEN) => telegramSender(TelegramBotConfig.parse({ token, apiBase: telegram.url })).send(message(), AbortSignal.timeout(5_000));

  it("sends, retries 429 (retry_after), 5xx and a refused token, and fails any other 4xx", async () => {
    expect(await send()).toEqual({ kind: "sent", providerId: expect.stringMatching(/^\d+$/) });
    telegram.reply({ error_code: 429, retry_after: 30 }, { error_code: 500 }, { error_code: 502 }, { error_code: 400 }, { error_code: 403 });
    expect(await send()).toEqual({ kind: "retry", error: "telegram 429: Too Many Requests: retry after 30", retryAfterMs: 30_000 });
    expect(await send()).toMatchObject({ kind: "retry", error: "telegram 500: Internal Server Error" });
    expect(await send()).toMatchObject({ kind: "retry", error: "telegram 502: Bad Gateway" });
    expect(await send()).toEqual({ kind: "permanent", error: "telegram 400: Bad Request: chat not found" });
    expect(await send()).toEqual({ kind: "permanent", error: "telegram 403: Forbidden: bot was blocked by the user" });
    // Our token, which an operator can fix meanwhile.
    expect(await send("7012345678:AAHanotherTokenForTests_xyzxyzxyz")).toMatchObject({ kind: "retry", error: "telegram 401: Unauthorized" });
  });

  it("never keeps the token in an error, whatever the answer quotes", async () => {
    telegram.reply({ error_code: 502, description: `upstream failed for /bot${TOKEN}/sendMessage` });
    const r = await send();
    expect(r).toMatchObject({ kind: "retry", error: "telegram 502: upstream failed for /bot<token>/sendMessage" });
    const refused = await telegramSender(TelegramBotConfig.parse({ token: TOKEN, apiBase: "http://127.0.0.1:9" })).send(message(), AbortSignal.timeout(5_000));
    expect(refused.kind).toBe("retry");
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
  });
});
