import type { Context, Handler } from "hono";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { CareRuntime } from "../../app/care-runtime.js";
import { onlyThread, type LiveFeed, type LiveOptions } from "../../app/live-feed.js";
import type { AppEnv } from "../env.js";
import { notFound } from "../helper/http.js";

/** Under the idle timeouts of proxies and load balancers (60 s is common), so a quiet stream is not cut. */
export const HEARTBEAT_MS = 15_000;
/** How long a browser waits before it reconnects a dropped stream (EventSource's `retry`). */
const RETRY_MS = 2_000;

export interface LiveStreamOptions {
  heartbeatMs?: number;
  filter?: LiveOptions["filter"];
}

/**
 * The feed's events as server-sent events until the client leaves: `handoffs` and `line` with their change as
 * JSON, `resync` when the client fell behind (read the page again). The names are what htmx's SSE extension
 * listens for (`hx-trigger="sse:handoffs"`). Each event has an id, so a browser that reconnects sends
 * Last-Event-ID, and hears `resync` first: what changed while it was away was not kept for it.
 */
export async function liveStream(c: Context<AppEnv>, feed: LiveFeed, o: LiveStreamOptions = {}): Promise<Response> {
  // Subscribed before the answer starts: a client that has the headers hears every change committed after.
  const sub = await feed.subscribe({ filter: o.filter });
  const reconnected = c.req.header("last-event-id") !== undefined;
  return streamSSE(c, async (sse) => {
    sse.onAbort(() => sub.close());
    let id = 0;
    try {
      // The id gives the browser a Last-Event-ID to reconnect with, even before any event came.
      await sse.write(`retry: ${RETRY_MS}\nid: ${id}\n\n`);
      if (reconnected) await sse.writeSSE({ event: "resync", data: "{}", id: String(++id) });
      while (!sse.aborted) {
        const e = await sub.next(o.heartbeatMs ?? HEARTBEAT_MS);
        if (e === undefined) break;
        if (e === null) await sse.write(": heartbeat\n\n");
        else await sse.writeSSE({ event: e.type, data: e.type === "resync" ? "{}" : JSON.stringify(e.data), id: String(++id) });
      }
    } finally {
      sub.close();
    }
  });
}

/**
 * GET / : every change, for the console (the inbox, a conversation view filter on the client). Mounted at
 * /console/events behind the console's session and role checks.
 */
export function liveRouter(rt: Pick<CareRuntime, "live">, o: Omit<LiveStreamOptions, "filter"> = {}): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/", (c) => liveStream(c, rt.live, o));
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
