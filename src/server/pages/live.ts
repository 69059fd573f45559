import type { Context, Handler, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { CareRuntime } from "../../app/care-runtime.js";
import { z } from "zod";
import { about, onlyThread, type LiveEvent, type LiveFeed, type LiveOptions } from "../../app/live-feed.js";
import type { AppEnv } from "../env.js";
import { HttpError, notFound, readQuery } from "../helper/http.js";
import { requireRole } from "../middleware/session.js";

/** Under the idle timeouts of proxies and load balancers (60 s is common), so a quiet stream is not cut. */
export const HEARTBEAT_MS = 15_000;
/** How long a browser waits before it reconnects a dropped stream (EventSource's `retry`). */
const RETRY_MS = 2_000;

/**
 * Open streams per holder (a person, a client address). Each stream keeps a connection and a subscriber for as
 * long as the client likes, so without a bound one signed-in script, or one anonymous visitor, could hold them
 * all. In memory, per process, as the rate limits are.
 */
export class StreamCap {
  private readonly open = new Map<string, number>();
  constructor(readonly max: number) {}

  /** A release (idempotent), or undefined when `key` holds `max` streams already. */
  take(key: string): (() => void) | undefined {
    const n = this.open.get(key) ?? 0;
    if (n >= this.max) return undefined;
    this.open.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}

/**
 * A person works in a few tabs (the inbox, a case or two); a web chat's visitors may share an address (an
 * office, a mobile carrier's NAT), each with a tab or two.
 */
export const liveCaps = () => ({ perPerson: new StreamCap(10), perAddress: new StreamCap(40) });
export type LiveCaps = ReturnType<typeof liveCaps>;

export interface LiveStreamOptions {
  heartbeatMs?: number;
  filter?: LiveOptions["filter"];
  /** Which cap this stream counts against, and as whose. */
  cap?: { streams: StreamCap; key: string };
}

/**
 * Each event as the bytes of its SSE frame, made once however many clients it goes to (it is one object for all
 * of them): a hundred agents cost one JSON text, not a hundred. Its id is this process's count of events; a
 * resync is each client's own, and is sent without one.
 */
const frames = new WeakMap<LiveEvent, Uint8Array>();
const encoder = new TextEncoder();
let lastId = 0;
const RESYNC = encoder.encode("event: resync\ndata: {}\n\n");
const HEARTBEAT = encoder.encode(": heartbeat\n\n");

function frame(e: LiveEvent): Uint8Array {
  if (e.type === "resync") return RESYNC;
  let bytes = frames.get(e);
  if (!bytes) frames.set(e, (bytes = encoder.encode(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\nid: ${++lastId}\n\n`)));
  return bytes;
}

/**
 * The feed's events as server-sent events until the client leaves: `handoffs` and `line` with their change as
 * JSON, `resync` when the client fell behind (read the page again). The names are what htmx's SSE extension
 * listens for (`hx-trigger="sse:handoffs"`). Events have ids, so a browser that reconnects sends Last-Event-ID,
 * and hears `resync` first: what changed while it was away was not kept for it.
 */
export async function liveStream(c: Context<AppEnv>, feed: LiveFeed, o: LiveStreamOptions = {}): Promise<Response> {
  const release = o.cap ? o.cap.streams.take(o.cap.key) : () => undefined;
  if (!release) throw new HttpError(429, "rate_limited", "too many live streams open: close some tabs");
  // Subscribed before the answer starts: a client that has the headers hears every change committed after.
  const sub = await feed.subscribe({ filter: o.filter }).catch((e: unknown) => {
    release();
    throw e;
  });
  const reconnected = c.req.header("last-event-id") !== undefined;
  return streamSSE(c, async (sse) => {
    sse.onAbort(() => sub.close());
    try {
      // The id gives the browser a Last-Event-ID to reconnect with, even before any event came.
      await sse.write(`retry: ${RETRY_MS}\nid: 0\n\n`);
      if (reconnected) await sse.write(RESYNC);
      const heartbeatMs = o.heartbeatMs ?? HEARTBEAT_MS;
      const stillSignedIn = c.get("stillSignedIn");
      let checkedAt = Date.now();
      while (!sse.aborted) {
        const e = await sub.next(heartbeatMs);
        if (e === undefined) break;
        // Once a heartbeat's time, busy or quiet: a person signed out (or disabled) since the stream began hears
        // nothing more. A database that does not answer now keeps the stream (the next check asks again).
        if (stillSignedIn && Date.now() - checkedAt >= heartbeatMs) {
          checkedAt = Date.now();
          if (!(await stillSignedIn().catch(() => true))) break;
        }
        await sse.write(e === null ? HEARTBEAT : frame(e));
      }
    } finally {
      sub.close();
      release();
    }
  });
}

/**
 * An event stream is no page: signed out, it is refused (401) rather than sent to the login page, whose HTML an
 * EventSource cannot read; htmx's SSE extension retries it with a growing delay until the page is reloaded.
 */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("user")) throw new HttpError(401, "unauthorized", "sign in first");
  await next();
};

/**
 * A conversation view's stream: `customer`, `thread` or both (either matches). The page cannot filter events
 * itself: htmx's event filters are evaluated code, which the console's CSP forbids.
 */
export const LiveQuery = z
  .object({
    customer: z.string().min(1).max(200).optional(),
    thread: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * GET /[?customer=…&thread=…]: the changes for the console's agents — every one (the inbox), or one
 * conversation's. Mounted at /console/events, under the console's session middleware.
 */
export function liveRouter(rt: Pick<CareRuntime, "live">, o: { heartbeatMs?: number; perPerson?: StreamCap } = {}): Hono<AppEnv> {
  // The agents' (the inbox and its cases): no operator page listens, and every conversation's changes go by here.
  return new Hono<AppEnv>().get("/", signedIn, requireRole("agent"), (c) =>
    liveStream(c, rt.live, { heartbeatMs: o.heartbeatMs, filter: about(readQuery(c, LiveQuery)), cap: personCap(c, o.perPerson) }),
  );
}

/** A signed-in person's streams count against one cap, whichever page opened them. */
export const personCap = (c: Context<AppEnv>, streams: StreamCap | undefined) => {
  const user = c.get("user");
  return streams && user ? { streams, key: `user:${user.id}` } : undefined;
};

/**
 * One thread's changes only, for a customer's web chat: `threadOf` names the caller's own thread (from their
 * session, never from the request's words); none is a 404. Its hand-off and its lines, never another thread's.
 */
export function threadEvents(
  rt: Pick<CareRuntime, "live">,
  threadOf: (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>,
  o: { heartbeatMs?: number; cap?: (c: Context<AppEnv>) => LiveStreamOptions["cap"] } = {},
): Handler<AppEnv> {
  return async (c) => {
    const threadId = await threadOf(c);
    if (!threadId) throw notFound("conversation");
    return liveStream(c, rt.live, { heartbeatMs: o.heartbeatMs, filter: onlyThread(threadId), cap: o.cap?.(c) });
  };
}
