import type { AppEnv } from "../env.js";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../helper/http.js";
import { sameSecret } from "../helper/secret.js";

const LOCAL = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/**
 * Without keys the API is for this machine's own clients. A web page open in its browser is not one: a
 * cross-site form post needs no CORS preflight, and DNS rebinding gives an attacker's name a local address.
 * So the request must name a local host, and a browser's Origin, if sent, must be local too or one the
 * operator let in (CORS_ORIGINS).
 */
function localClient(url: string, origin: string | undefined, origins: readonly string[]): boolean {
  if (!LOCAL.test(new URL(url).host)) return false;
  if (origin === undefined || origins.includes(origin)) return true;
  try {
    return LOCAL.test(new URL(origin).host);
  } catch {
    return false; // "null": a sandboxed frame or a file
  }
}

/** API keys, as a bearer token or an x-api-key header. The key that matched is kept for rate limiting and logs (never the key itself). */
export function apiKeyAuth(keys: readonly string[], origins: readonly string[] = []): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (keys.length === 0) {
      if (!localClient(c.req.url, c.req.header("origin"), origins))
        throw new HttpError(403, "forbidden", "no API key is configured (CARE_GRAPH_API_KEYS), so only clients on this machine are served, and no web page from another site");
      return next();
    }
    // The LangGraph SDK sends its apiKey as x-api-key; other clients use a bearer token.
    // The auth scheme is case-insensitive (RFC 9110 §11.1): "bearer" is as good as "Bearer".
    const bearer = /^bearer +(.*)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const token = (bearer ?? c.req.header("x-api-key") ?? "").trim();
    const index = token ? keys.findIndex((k) => sameSecret(token, k)) : -1;
    if (index < 0) {
      c.header("WWW-Authenticate", 'Bearer realm="care-graph"');
      throw new HttpError(401, "unauthorized", token ? "invalid API key" : "missing bearer API key");
    }
    c.set("apiKey", `key-${index + 1}`);
    await next();
  };
}
