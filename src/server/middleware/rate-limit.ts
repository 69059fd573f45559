import type { AppEnv } from "../env.js";
import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "../helper/http.js";

/** Past this many buckets, the full ones (clients idle long enough to have refilled) are dropped, at most once a second. */
const MAX_BUCKETS = 10_000;
const SWEEP_EVERY_MS = 1000;

/**
 * The address a request comes from. X-Forwarded-For is anyone's to write, so it counts only behind
 * `trustProxy` proxies of our own, each of which appends the address it received from: the address
 * `trustProxy` places from the right is the one the outermost of them saw. Whatever a client put to
 * its left is ignored. Without proxies, the socket's peer.
 */
export function clientAddress(c: Context<AppEnv>, trustProxy: number): string {
  const peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? "unknown";
  if (trustProxy === 0) return peer;
  const hops = (c.req.header("x-forwarded-for") ?? "").split(",").map((a) => a.trim()).filter(Boolean);
  // Fewer entries than proxies: the request did not come through all of them; the left-most is the furthest we know.
  return hops[Math.max(0, hops.length - trustProxy)] ?? peer;
}

/** Token bucket per API key (or per client address without keys), in memory: one process serves. */
export function rateLimit(o: { perSecond: number; burst: number; trustProxy?: number; now?: () => number }): MiddlewareHandler<AppEnv> {
  const now = o.now ?? (() => performance.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  let sweptAt = -Infinity;
  const refilled = (b: { tokens: number; at: number }, t: number) => Math.min(o.burst, b.tokens + ((t - b.at) / 1000) * o.perSecond);
  return async (c, next) => {
    const who = c.get("apiKey") ?? clientAddress(c, o.trustProxy ?? 0);
    const t = now();
    if (buckets.size >= MAX_BUCKETS && t - sweptAt >= SWEEP_EVERY_MS) {
      sweptAt = t;
      for (const [k, v] of buckets) if (refilled(v, t) >= o.burst) buckets.delete(k);
    }
    const b = buckets.get(who) ?? { tokens: o.burst, at: t };
    b.tokens = refilled(b, t);
    b.at = t;
    if (b.tokens < 1) {
      c.header("Retry-After", String(Math.ceil((1 - b.tokens) / o.perSecond)));
      throw new HttpError(429, "rate_limited", `more than ${o.perSecond} requests per second`);
    }
    b.tokens -= 1;
    buckets.set(who, b);
    await next();
  };
}
