import type { AppEnv } from "../env.js";
import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../helper/http.js";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** API keys, as a bearer token or an x-api-key header. The key that matched is kept for rate limiting and logs (never the key itself). */
export function apiKeyAuth(keys: readonly string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (keys.length === 0) return next();
    // The LangGraph SDK sends its apiKey as x-api-key; other clients use a bearer token.
    // The auth scheme is case-insensitive (RFC 9110 §11.1): "bearer" is as good as "Bearer".
    const bearer = /^bearer +(.*)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const token = (bearer ?? c.req.header("x-api-key") ?? "").trim();
    const index = token ? keys.findIndex((k) => same(k, token)) : -1;
    if (index < 0) {
      c.header("WWW-Authenticate", 'Bearer realm="care-graph"');
      throw new HttpError(401, "unauthorized", token ? "invalid API key" : "missing bearer API key");
    }
    c.set("apiKey", `key-${index + 1}`);
    await next();
  };
}
