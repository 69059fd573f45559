import { randomUUID } from "node:crypto";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import type { AppEnv } from "../../src/server/env.js";
import { HttpError } from "../../src/server/helper/http.js";
import { liveRouter, threadEvents } from "../../src/server/pages/live.js";
import { addUser, closeSession, openSession } from "../../src/app/people.js";
import { session, SESSION_COOKIE } from "../../src/server/middleware/session.js";
import { openStore } from "../../src/store/open-store.js";
import { createLogger } from "../../src/app/logger.js";
import { ServerConfig, startServer } from "../../src/server/serve.js";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { testApp } from "../helpers/app.js";
import { TEST_PASSWORD } from "../helpers/browser.js";
import { ConsoleClient } from "../helpers/console.js";
import { testRuntime } from "../helpers/runtime.js";
import { openSse, readSse, type SseEvent } from "../helpers/sse.js";

/**
 * The live updates as a browser gets them: the whole app (API, console, an in-process worker) on a real listening
 * server, an agent signed in through the login form, real HTTP clients reading the event stream. The web chat's
 * one-thread stream is mounted here on a test path, its thread from a query parameter (the chat takes it from the
 * customer's session).
 */
async function liveServer(rt: CareRuntime) {
  const app = new Hono<AppEnv>();
  app.get("/test/chat-events", threadEvents(rt, (c) => c.req.query("thread"), { heartbeatMs: 50 }));
  app.route("/", testApp(rt));
  app.onError((e, c) => (e instanceof HttpError ? c.json({ error: e.message }, e.status) : c.json({ error: "internal" }, 500)));
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  await addUser(rt.store, { name: "ana", role: "agent", password: TEST_PASSWORD });
  const browser = new ConsoleClient(app, base);
  expect((await browser.signIn("ana")).status).toBe(303);
  const cookie = `${SESSION_COOKIE}=${browser.cookie(SESSION_COOKIE)}`;
  return {
    base,
    cookie,
    /** An agent's browser on /console/events. */
    agent: (headers: Record<string, string> = {}, query = "") => openSse(`${base}/console/events${query}`, { headers: { cookie, ...headers } }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

const json = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;
const about = (thread: string) => (e: SseEvent) => (e.event === "handoffs" || e.event === "line") && json(e).thread_id === thread;
const line = (thread: string, key: string) => ({ key, line: { thread_id: thread, customer_id: "c-live", channel: "web" as const, author: "customer", text: "hola" } });

describe("live updates over server-sent events (SQLite)", () => {
  let rt: CareRuntime;
  let server: Awaited<ReturnType<typeof liveServer>>;
  beforeAll(async () => {
    rt = await testRuntime({ customers: [] });
    server = await liveServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.close();
  });

  it("a hand-off opened by a conversation run and the turn's lines reach a connected agent", async () => {
    const agent = await server.agent();
    try {
      expect(agent.status).toBe(200);
      expect(agent.headers.get("content-type")).toContain("text/event-stream");
      const thread = randomUUID();
      const said = await fetch(`${server.base}/v1/chats/${thread}/messages`, {
        method: "POST",
        headers: { "x-api-key": "k", "content-type": "application/json" },
        body: JSON.stringify({ message: "quiero hablar con una persona", customer_id: "c-live" }),
      });
      expect(said.status).toBe(202);
      const opened = await agent.until((e) => e.event === "handoffs" && about(thread)(e));
      expect(json(opened)).toEqual({ interaction_id: expect.stringContaining(thread), what: "opened", thread_id: thread, customer_id: "c-live" });
      expect(opened.id).toMatch(/^\d+$/);
      // The customer's message and the bot's "te comunico con una persona" were committed with it.
      const h = (await rt.store.handoffs.onThread(thread))!;
      expect(await rt.store.transcript.thread(thread)).toHaveLength(2);

      await rt.store.handoffs.claim(h.interaction_id, "ana");
      expect(json(await agent.until(about(thread)))).toMatchObject({ interaction_id: h.interaction_id, what: "claimed" });
    } finally {
      agent.close();
    }
  });

  it("a transcript line appended reaches the agent; a chat client of thread A never hears thread B", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const agent = await server.agent();
    const chatA = await openSse(`${server.base}/test/chat-events?thread=${a}`);
    try {
      await rt.store.transcript.append([line(b, `${b}:1`)]);
      await rt.store.handoffs.open({ interaction_id: `${b}:h`, thread_id: b, customer_id: "c-b", reason: "human_request", priority: 5, draft: null, experiment_id: null });
      await rt.store.transcript.append([line(a, `${a}:1`)]);
      expect(json(await agent.until(about(b)))).toEqual({ thread_id: b, customer_id: "c-live" });
      expect((await agent.next()).event).toBe("handoffs");
      expect(json(await agent.next())).toEqual({ thread_id: a, customer_id: "c-live" });
      // Delivered in commit order: had B's changes passed A's filter, they would come first.
      const first = await chatA.next();
      expect([first.event, json(first)]).toEqual(["line", { thread_id: a, customer_id: "c-live" }]);
    } finally {
      agent.close();
      chatA.close();
    }
  });

  it("a conversation view's stream (?customer, ?thread) hears that customer's threads, or that visitor's thread, and nothing else", async () => {
    const [mine, other, visitor] = [randomUUID(), randomUUID(), randomUUID()];
    const view = await server.agent({}, "?customer=c-view&thread=" + visitor);
    try {
      const on = (thread: string, customer: string | null) => ({ key: `${thread}:1`, line: { ...line(thread, "").line, customer_id: customer } });
      await rt.store.transcript.append([on(other, "c-other")]);
      await rt.store.transcript.append([on(mine, "c-view")]);
      await rt.store.transcript.append([on(visitor, null)]);
      await rt.store.handoffs.open({ interaction_id: `${other}:h`, thread_id: other, customer_id: "c-other", reason: "human_request", priority: 5, draft: null, experiment_id: null });
      await rt.store.handoffs.open({ interaction_id: `${visitor}:h`, thread_id: visitor, customer_id: `visitor:${visitor}`, reason: "human_request", priority: 5, draft: null, experiment_id: null });
      // In commit order: had the other customer's changes passed, they would come between.
      expect(json(await view.next())).toEqual({ thread_id: mine, customer_id: "c-view" });
      expect(json(await view.next())).toEqual({ thread_id: visitor, customer_id: null });
      expect(json(await view.next())).toMatchObject({ interaction_id: `${visitor}:h`, what: "opened" });
    } finally {
      view.close();
    }
    const bad = await fetch(`${server.base}/console/events?client=1`, { headers: { cookie: server.cookie } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("client");
  });

  it("a signed-out browser's stream is refused (401, not the login page); a chat stream without its thread too (404)", async () => {
    const signedOut = await fetch(`${server.base}/console/events`, { headers: { accept: "text/event-stream" }, redirect: "manual" });
    expect(signedOut.status).toBe(401);
    expect((await fetch(`${server.base}/test/chat-events`)).status).toBe(404);
  });

  it("a quiet stream gets heartbeats; a client that leaves frees its subscriber", async () => {
    // The clients of the tests before may still be leaving.
    await vi.waitFor(() => expect(rt.live.stats().subscribers).toBe(0));
    const agent = await openSse(`${server.base}/test/chat-events?thread=${randomUUID()}`);
    expect(rt.live.stats().subscribers).toBe(1);
    await vi.waitFor(() => expect(agent.comments()).toBeGreaterThanOrEqual(2));
    agent.close();
    await vi.waitFor(() => expect(rt.live.stats().subscribers).toBe(0));
  });

  it("a person holds at most 10 streams at once (429 past them); one that ends frees its place", async () => {
    const open = await Promise.all(Array.from({ length: 10 }, () => server.agent()));
    try {
      expect(open.map((s) => s.status)).toEqual(Array(10).fill(200));
      const refused = await fetch(`${server.base}/console/events`, { headers: { cookie: server.cookie, accept: "text/event-stream" } });
      expect(refused.status).toBe(429);
      open.pop()!.close();
      await vi.waitFor(async () => {
        const again = await server.agent();
        again.close();
        expect(again.status).toBe(200);
      });
    } finally {
      for (const s of open) s.close();
      await vi.waitFor(() => expect(rt.live.stats().subscribers).toBe(0));
    }
  });

  it("a stream ends once its session does (signing out), at the next heartbeat's check", async () => {
    const user = await addUser(rt.store, { name: "beto", role: "agent", password: TEST_PASSWORD });
    const s = await openSession(rt.store, { id: user.id, name: user.name, role: user.role });
    const app = new Hono<AppEnv>();
    app.use("*", session(rt, { secure: false, trustProxy: 0 }));
    app.route("/events", liveRouter(rt, { heartbeatMs: 50 }));
    const res = await app.request("/events", { headers: { cookie: `${SESSION_COOKIE}=${s.token}`, accept: "text/event-stream" } });
    expect(res.status).toBe(200);
    const live = readSse(res, () => void res.body?.cancel());
    try {
      await vi.waitFor(() => expect(live.comments()).toBeGreaterThanOrEqual(2));
      await closeSession(rt.store, s.token);
      await live.ended;
    } finally {
      live.close();
    }
  });

  it("the console's stream is the agents' (the inbox's): an operator, whose pages need none, is refused", async () => {
    await addUser(rt.store, { name: "oscar", role: "operator", password: TEST_PASSWORD });
    const operator = new ConsoleClient(testApp(rt));
    await operator.signIn("oscar");
    const res = await operator.request("/console/events", { headers: { accept: "text/event-stream" } });
    expect(res.status).toBe(403);
  });

  it("a browser that reconnects (Last-Event-ID) is told to read the page again first", async () => {
    const agent = await server.agent({ "last-event-id": "7" });
    try {
      expect((await agent.next()).event).toBe("resync");
    } finally {
      agent.close();
    }
  });
});

describe("a server shutting down with live clients", () => {
  it("ends their streams and closes (an SSE connection never goes idle by itself)", async () => {
    const rt = await testRuntime({ customers: [] });
    try {
      const running = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: ["k"], drainMs: 60_000 }), createLogger({ level: "silent" }), undefined, null);
      const base = `http://127.0.0.1:${running.port}`;
      await addUser(rt.store, { name: "ana", role: "agent", password: TEST_PASSWORD });
      const browser = new ConsoleClient({ request: (input: string, init?: RequestInit) => fetch(input, init) } as never, base);
      expect((await browser.signIn("ana")).status).toBe(303);
      const agent = await openSse(`${base}/console/events`, { headers: { cookie: `${SESSION_COOKIE}=${browser.cookie(SESSION_COOKIE)}` } });
      expect(agent.status).toBe(200);
      // With drainMs at a minute, a close held by the open stream would time the test out.
      await running.close();
      await agent.ended;
    } finally {
      await rt.close();
    }
  });
});

describe.skipIf(!pgReachable)(pgReachable ? "live updates on PostgreSQL" : "skipped: PostgreSQL not reachable", () => {
  const { schema, drop } = freshSchema();
  let rt: CareRuntime;
  let server: Awaited<ReturnType<typeof liveServer>>;
  beforeAll(async () => {
    rt = await testRuntime({ customers: [], database: { postgres: url, schema } });
    server = await liveServer(rt);
  });
  afterAll(async () => {
    await server?.close();
    await rt?.close();
    await drop();
  });

  it("a change written by another process (another Store's connection) reaches the feed's clients", async () => {
    const worker = await openStore({ postgres: url, schema, max: 2 });
    const thread = randomUUID();
    const agents = await Promise.all([1, 2, 3].map(() => server.agent()));
    try {
      await worker.transaction(async (tx) => {
        await tx.handoffs.open({ interaction_id: `${thread}:h`, thread_id: thread, customer_id: "c-pg", reason: "human_request", priority: 5, draft: null, experiment_id: null });
        await tx.transcript.append([line(thread, `${thread}:1`)]);
      });
      for (const agent of agents) {
        expect(json(await agent.until(about(thread)))).toEqual({ interaction_id: `${thread}:h`, what: "opened", thread_id: thread, customer_id: "c-pg" });
        expect(json(await agent.until(about(thread)))).toEqual({ thread_id: thread, customer_id: "c-live" });
      }
      expect(rt.live.stats().subscribers).toBe(3);
    } finally {
      agents.forEach((a) => a.close());
      await worker.close();
    }
  });

  it("many clients, one LISTEN connection: the server's process listens once", async () => {
    // A person's cap (10 streams) is the most one signed-in agent opens.
    const agents = await Promise.all(Array.from({ length: 10 }, () => server.agent()));
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      // The clients of the test before may still be leaving.
      await vi.waitFor(() => expect(rt.live.stats().subscribers).toBe(10));
      const listening = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE $1", [`%LISTEN "${schema}.%`]);
      expect(listening.rows[0].n).toBe(1);
    } finally {
      agents.forEach((a) => a.close());
      await admin.end();
    }
  });

  it("when the server's listening connection breaks, its clients are told to read their page again once it listens again", async () => {
    const agent = await server.agent();
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1", [`%LISTEN "${schema}.%`]);
      expect(killed.rowCount).toBe(1);
      expect((await agent.next()).event).toBe("resync");
      // And it hears changes again.
      const thread = randomUUID();
      await rt.store.transcript.append([line(thread, `${thread}:1`)]);
      expect(json(await agent.until(about(thread)))).toEqual({ thread_id: thread, customer_id: "c-live" });
    } finally {
      agent.close();
      await admin.end();
    }
  });
});
