import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { ExperimentJobs } from "../../src/app/experiment-jobs.js";
import { createLogger } from "../../src/app/logger.js";
import { startRunService, type RunService } from "../../src/app/runs/service.js";
import { readSse } from "../../src/app/runs/sse.js";
import { WorkerOptions } from "../../src/app/runs/worker.js";
import { webChatThread } from "../../src/app/web-chat.js";
import { RunSlots } from "../../src/server/helper/run-slots.js";
import { pagesRouter } from "../../src/server/pages/index.js";
import { StreamCap } from "../../src/server/pages/live.js";
import { loadConversationTexts, loadWebChatSettings, loadWebChatTexts } from "../../src/store/assets.js";
import { addAgents } from "../helpers/agents.js";
import { testApp } from "../helpers/app.js";
import { testRuntime } from "../helpers/runtime.js";
import { readSse as readLive } from "../helpers/sse.js";

const texts = loadWebChatTexts();
const settings = loadWebChatSettings();

/** The customers' web chat over HTTP: who may read and post to which thread, what is refused, what a turn shows. */
describe("the web chat (/chat)", () => {
  let rt: CareRuntime;
  let runs: RunService;
  let app: ReturnType<typeof testApp>;

  beforeAll(async () => {
    rt = await testRuntime({ customers: [] });
    await addAgents(rt.store);
    runs = startRunService(rt, { worker: WorkerOptions.parse({ slots: 2, pollMs: 50 }), log: createLogger({ level: "silent" }) });
    app = testApp(rt, { runs });
  });
  afterAll(async () => rt?.close());

  /** A visitor: their first GET gives the cookie and the page's CSRF token. */
  async function visitor() {
    const r = await app.request("/chat");
    const setCookie = r.headers.get("set-cookie") ?? "";
    const cookie = setCookie.split(";")[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await r.text())![1]!;
    return { cookie, csrf, setCookie, chatId: cookie.split("=")[1]! };
  }
  const page = async (cookie: string) => (await app.request("/chat", { headers: { cookie } })).text();
  const post = (v: { cookie?: string; csrf?: string }, message: string, o: { stream?: boolean; header?: boolean } = {}) =>
    app.request("/chat/messages", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(v.cookie ? { cookie: v.cookie } : {}),
        ...(o.stream ? { accept: "text/event-stream" } : {}),
        ...(o.header && v.csrf ? { "x-csrf-token": v.csrf } : {}),
      },
      body: new URLSearchParams({ message, ...(v.csrf && !o.header ? { _csrf: v.csrf } : {}) }),
    });
  const runsOf = async (chatId: string) => rt.store.runs.list(webChatThread(chatId), { limit: 50, offset: 0 });

  it("gives a first visit an HttpOnly, SameSite=Lax cookie, and an es-MX page with its CSRF token", async () => {
    const v = await visitor();
    expect(v.setCookie).toMatch(/^cg_chat=[A-Za-z0-9_-]{43};/);
    expect(v.setCookie).toMatch(/HttpOnly/);
    expect(v.setCookie).toMatch(/SameSite=Lax/);
    expect(v.setCookie).toMatch(/Path=\//);
    expect(v.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The token is not the cookie: the page never shows the chat's secret id.
    expect(v.csrf).not.toBe(v.chatId);
    const html = await page(v.cookie);
    expect(html).toContain('<html lang="es-MX">');
    expect(html).not.toContain(v.chatId);
    // A second visit keeps the chat (and its token); a forged cookie gets a new chat.
    expect(/name="_csrf" value="([^"]+)"/.exec(html)![1]).toBe(v.csrf);
    const forged = await app.request("/chat", { headers: { cookie: "cg_chat=guess" } });
    expect(forged.headers.get("set-cookie")).not.toContain("cg_chat=guess");
  });

  it("refuses a post without the chat's cookie or without its CSRF token, and queues nothing", async () => {
    const a = await visitor();
    const b = await visitor();
    const noCookie = await post({ csrf: a.csrf }, "hola");
    expect(noCookie.status).toBe(403);
    // Said in the customer's words, on the chat's own page.
    expect(await noCookie.text()).toContain(texts.expired);
    expect((await post({ cookie: a.cookie }, "hola")).status).toBe(403);
    // B's token is no good on A's chat: a token is its chat's.
    expect((await post({ cookie: a.cookie, csrf: b.csrf }, "hola")).status).toBe(403);
    expect((await post({ cookie: a.cookie, csrf: "x".repeat(43) }, "hola", { header: true })).status).toBe(403);
    expect(await runsOf(a.chatId)).toEqual([]);
  });

  it("refuses an empty or too long message, naming what is wrong, with or without JS", async () => {
    const v = await visitor();
    const empty = await post(v, "   ");
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain(texts.empty);
    const long = await post(v, "a".repeat(settings.max_message_chars + 1), { stream: true, header: true });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: { message: string } }).error.message).toContain(String(settings.max_message_chars));
    expect(await runsOf(v.chatId)).toEqual([]);
  });

  it("answers a plain post (no JS) with the page again: the cars as cards, only what the catalog returned", async () => {
    const v = await visitor();
    const r = await post(v, "busco un Versa 2020");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toMatch(/^\/chat/);
    const html = await page(v.cookie);
    expect(html).toContain("busco un Versa 2020");
    const [run] = await runsOf(v.chatId);
    const end = (await rt.store.runEvents.last(run!.run_id, "end"))!.data as { output: { cars: Array<{ make: string; model: string; year: number }> } };
    expect(end.output.cars.length).toBeGreaterThan(0);
    const cards = html.match(/<li class="car-card">/g) ?? [];
    expect(cards).toHaveLength(end.output.cars.length);
    for (const car of end.output.cars) expect(html).toContain(`${car.make} ${car.model}`);
    expect(html).toContain("Nissan Versa");
  });

  it("streams a turn as the run writes it, keyed as the reloaded page keys it; another visitor never sees it", async () => {
    const v = await visitor();
    const r = await post(v, "busco un Versa 2020", { stream: true, header: true });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    const events: Array<{ event: string; data: string }> = [];
    for await (const e of readSse(r.body!)) events.push(e);
    expect(events.map((e) => e.event)).toEqual(["line", "line", "line", "person", "done"]);
    expect(events[0]!.data).toContain("msg-customer");
    expect(events[1]!.data).toContain("msg-bot");
    expect(events[2]!.data).toContain("car-card");
    const keys = events.slice(0, 3).map((e) => /data-key="([^"]+)"/.exec(e.data)![1]!);
    // A reload shows the same pieces under the same keys: the page and the stream never show one twice.
    const html = await page(v.cookie);
    for (const k of keys) expect(html).toContain(`data-key="${k}"`);

    const other = await visitor();
    expect(await page(other.cookie)).not.toContain("Versa");

    // The customer's own line comes back as the transcript keeps it: a card number masked.
    const card = await post(v, "mi tarjeta es 4111 1111 1111 1111", { stream: true, header: true });
    const echoed: string[] = [];
    for await (const e of readSse(card.body!)) echoed.push(e.data);
    expect(echoed[0]).toContain("msg-customer");
    expect(echoed.join("")).not.toContain("4111 1111 1111 1111");
    expect(await page(v.cookie)).not.toContain("4111 1111 1111 1111");
  });

  it("shows a person joining and their answer; the conversation stays the visitor's", async () => {
    const v = await visitor();
    expect((await post(v, "quiero hablar con una persona")).status).toBe(303);
    let html = await page(v.cookie);
    expect(html).toContain(loadConversationTexts().handoff.transition.human_request.slice(0, 30));
    expect(html).toContain(texts.waiting);
    const req = (path: string, json: unknown) => app.request(path, { method: "POST", headers: { "x-api-key": "k", "content-type": "application/json" }, body: JSON.stringify(json) });
    const h = (await rt.store.handoffs.onThread(webChatThread(v.chatId)))!;
    expect(h.customer_id).toBe(`visitor:${webChatThread(v.chatId)}`);
    const id = encodeURIComponent(h.interaction_id);
    expect((await req(`/v1/handoffs/${id}/claim`, { agent: "ana" })).status).toBe(200);
    // Taken, before Ana writes: the notice ends the conversation, the wait is over.
    html = await page(v.cookie);
    expect(html).toMatch(/notice-joined[^>]*>ana se unió a la conversación\.</);
    expect(html).not.toContain(texts.waiting);
    expect((await req(`/v1/handoffs/${id}/resolve`, { agent: "ana", response: { type: "response", args: "Hola, soy Ana. ¿En qué te ayudo?" } })).status).toBe(200);
    html = await page(v.cookie);
    // Once she wrote, the notice stands before her first line, once.
    expect(html.indexOf("ana se unió a la conversación")).toBeLessThan(html.indexOf("Hola, soy Ana. ¿En qué te ayudo?"));
    expect(html.match(/ana se unió a la conversación/g)).toHaveLength(1);
    // While Ana owns the chat the bot says nothing: the visitor's message is kept for her.
    const r = await post(v, "gracias, ¿y el enganche?", { stream: true, header: true });
    const events: Array<{ event: string; data: string }> = [];
    for await (const e of readSse(r.body!)) events.push(e);
    expect(events.map((e) => e.event)).toEqual(["line", "line", "person", "done"]);
    expect(events[1]!.data).toContain('data-key="joined:ana"');
    // Once she hands it back, no one but the bot is in the conversation.
    expect((await req(`/v1/conversations/${encodeURIComponent(h.customer_id)}/handback`, { agent: "ana" })).status).toBe(200);
    expect(await page(v.cookie)).toContain("chat-person-none");
  });

  it("streams live changes of the visitor's own thread only, and /chat/updates reads what came after the last line shown", async () => {
    const a = await visitor();
    const b = await visitor();
    expect((await post(a, "hola")).status).toBe(303);
    const last = Number(/data-last="(\d+)"/.exec(await page(a.cookie))![1]);
    const abort = new AbortController();
    const live = readLive(await app.request("/chat/events", { headers: { cookie: a.cookie, accept: "text/event-stream" }, signal: abort.signal }), () => abort.abort());
    try {
      // B's turn first, then A's: the first change A hears is A's own (B's would have come before it).
      expect((await post(b, "busco un jetta")).status).toBe(303);
      expect((await post(a, "quiero hablar con una persona")).status).toBe(303);
      const first = await live.until((e) => e.event === "line" || e.event === "handoffs");
      expect(JSON.parse(first.data).thread_id).toBe(webChatThread(a.chatId));
    } finally {
      live.close();
    }
    const updates = await app.request(`/chat/updates?after=${last}`, { headers: { cookie: a.cookie } });
    const html = await updates.text();
    expect(html).toContain("quiero hablar con una persona");
    expect(html).not.toContain(">hola<");
    expect(html).not.toContain("jetta");
    expect(html).toContain(texts.waiting);
    expect(Number(updates.headers.get("x-chat-last"))).toBeGreaterThan(last);
    expect((await app.request("/chat/updates?after=x", { headers: { cookie: a.cookie } })).status).toBe(400);
  });

  it("holds one client address to its cap of live streams, however many chats it starts (429 past them)", async () => {
    const streams = { perPerson: new StreamCap(10), perAddress: new StreamCap(3) };
    const capped = pagesRouter(rt, { runs, jobs: new ExperimentJobs(rt, rt.environment), cookies: { secure: false, trustProxy: 0 }, streams });
    // No cookie: each request starts a chat of its own, as a script would.
    const open = () => capped.request("/chat/events", { headers: { accept: "text/event-stream" } });
    const first = await Promise.all([open(), open(), open()]);
    try {
      expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
      const refused = await open();
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(texts.rate_limited);
      // A client that leaves (its stream's body cancelled) frees its place.
      await first.pop()!.body!.cancel();
      await vi.waitFor(() => expect(streams.perAddress.count("unknown")).toBe(2));
      const again = await open();
      expect(again.status).toBe(200);
      first.push(again);
    } finally {
      await Promise.all(first.map((r) => r.body?.cancel()));
    }
  });

  it("puts a post without JS in the run line (it waits for the run): a full line is refused and queues nothing", async () => {
    const runSlots = new RunSlots(1, 0);
    const full = pagesRouter(rt, { runs, jobs: new ExperimentJobs(rt, rt.environment), cookies: { secure: false, trustProxy: 0 }, runSlots });
    const release = await runSlots.acquire();
    const v = await visitor();
    const r = await full.request("/chat/messages", { method: "POST", headers: { cookie: v.cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ message: "hola", _csrf: v.csrf }) });
    expect(r.status).toBe(503);
    expect(await r.text()).toContain(texts.failed);
    expect(await runsOf(v.chatId)).toEqual([]);
    release();
  });

  it("limits how fast one address posts", async () => {
    const limited = pagesRouter(rt, { runs, jobs: new ExperimentJobs(rt, rt.environment), cookies: { secure: false, trustProxy: 0 }, webChat: { settings: { ...settings, message_burst: 1, messages_per_second: 0.001 } } });
    const v = await visitor();
    const send = () => limited.request("/chat/messages", { method: "POST", headers: { cookie: v.cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ message: "   ", _csrf: v.csrf }) });
    expect((await send()).status).toBe(400);
    const limitedOnce = await send();
    expect(limitedOnce.status).toBe(429);
    expect(await limitedOnce.text()).toContain(texts.rate_limited);
  });
});
