import type { Context, Handler, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { CareRuntime } from "../../app/care-runtime.js";
import { onlyThread, type LiveEvent, type LiveFeed, type LiveOptions } from "../../app/live-feed.js";
import type { AppEnv } from "../env.js";
import { HttpError, notFound } from "../helper/http.js";
import { requireRole } from "../middleware/session.js";

/** Under the idle timeouts of proxies and load balancers (60 s is common), so a quiet stream is not cut. */
export const HEARTBEAT_MS = 15_000;
/** How long a browser waits before it reconnects a dropped stream (EventSource's `retry`). */
const RETRY_MS = 2_000;

export interface LiveStreamOptions {
  heartbeatMs?: number;
  filter?: LiveOptions["filter"];
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
  // Subscribed before the answer starts: a client that has the headers hears every change committed after.
  const sub = await feed.subscribe({ filter: o.filter });
  const reconnected = c.req.header("last-event-id") !== undefined;
  return streamSSE(c, async (sse) => {
    sse.onAbort(() => sub.close());
    try {
      // The id gives the browser a Last-Event-ID to reconnect with, even before any event came.
      await sse.write(`retry: ${RETRY_MS}\nid: 0\n\n`);
      if (reconnected) await sse.write(RESYNC);
      while (!sse.aborted) {
        const e = await sub.next(o.heartbeatMs ?? HEARTBEAT_MS);
        if (e === undefined) break;
        await sse.write(e === null ? HEARTBEAT : frame(e));
      }
    } finally {
      sub.close();
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
 * GET / : every change, for the console's people (the inbox; a conversation view filters on the client).
 * Mounted at /console/events, under the console's session middleware.
 */
export function liveRouter(rt: Pick<CareRuntime, "live">, o: Omit<LiveStreamOptions, "filter"> = {}): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/", signedIn, requireRole("agent", "operator"), (c) => liveStream(c, rt.live, o));
}

/**
 * One thread's changes only, for a customer's web chat: `threadOf` names the caller's own thread (from their
 * session, never from the request's words); none is a 404. Its hand-off and its lines, never another thread's.
 */
export function threadEvents(
  rt: Pick<CareRuntime, "live">,
  threadOf: (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>,
  o: Omit<LiveStreamOptions, "filter"> = {},
): Handler<AppEnv> {
  return async (c) => {
    const threadId = await threadOf(c);
    if (!threadId) throw notFound("conversation");
    return liveStream(c, rt.live, { ...o, filter: onlyThread(threadId) });
  };
}
