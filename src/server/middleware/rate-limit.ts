import type { AppEnv } from "../env.js";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../helper/http.js";

/** Token bucket per API key (or per client address without keys), in memory: one process serves. */
export function rateLimit(o: { perSecond: number; burst: number; now?: () => number }): MiddlewareHandler<AppEnv> {
  const now = o.now ?? (() => performance.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async (c, next) => {
    const who = c.get("apiKey") ?? c.req.header("x-forwarded-for") ?? "anonymous";
    const t = now();
    const b = buckets.get(who) ?? { tokens: o.burst, at: t };
    b.tokens = Math.min(o.burst, b.tokens + ((t - b.at) / 1000) * o.perSecond);
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
