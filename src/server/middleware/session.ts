import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { CareRuntime } from "../../app/care-runtime.js";
import { findSession, newToken } from "../../app/people.js";
import { hasRole, type Role } from "../../domain/user.js";
import type { AppEnv } from "../env.js";
import { HttpError } from "../helper/http.js";
import { sameSecret } from "../helper/secret.js";

/**
 * Cookies: Secure (and the __Host- prefix, which pins them to this host and path /) when the browser reached us
 * over HTTPS, directly or through our own proxy (X-Forwarded-Proto, trusted only with trustProxy > 0).
 */
export interface CookieOptions {
  /** Always mark cookies Secure (CONSOLE_SECURE_COOKIES): for a deployment that is only ever reached over HTTPS. */
  secure: boolean;
  trustProxy: number;
}

export function overHttps(c: Context, o: CookieOptions): boolean {
  if (o.secure || new URL(c.req.url).protocol === "https:") return true;
  return o.trustProxy > 0 && c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export const cookieName = (c: Context, o: CookieOptions, base: string) => (overHttps(c, o) ? `__Host-${base}` : base);

/** HttpOnly: no script of ours needs them. SameSite=Lax for the session (a link from a mail opens the console signed in). */
export function writeCookie(c: Context, o: CookieOptions, base: string, value: string, opts: { maxAgeSeconds?: number; sameSite: "Lax" | "Strict" }) {
  setCookie(c, cookieName(c, o, base), value, { path: "/", httpOnly: true, secure: overHttps(c, o), sameSite: opts.sameSite, maxAge: opts.maxAgeSeconds });
}

export const SESSION_COOKIE = "cg_session";
/** For people not signed in (the login form, the customers' web chat): a double-submit token. */
export const ANON_CSRF_COOKIE = "cg_csrf";

/**
 * Who is signed in, and the CSRF token of the request: the session's own when signed in, otherwise a random
 * one kept in a cookie (a cross-site page can make the browser send that cookie but cannot read it to put it
 * in the form too).
 */
export function session(rt: CareRuntime, o: CookieOptions): MiddlewareHandler<AppEnv> {
  return async function session(c, next) {
    const token = getCookie(c, cookieName(c, o, SESSION_COOKIE));
    const found = token ? await findSession(rt.store, token) : undefined;
    c.set("user", found?.user);
    c.set("stillSignedIn", found && token ? async () => (await findSession(rt.store, token))?.user.id === found.user.id : undefined);
    if (found) c.set("csrf", found.csrf);
    else {
      const anon = getCookie(c, cookieName(c, o, ANON_CSRF_COOKIE));
      const csrf = anon && /^[\w-]{43}$/.test(anon) ? anon : newToken();
      if (csrf !== anon) writeCookie(c, o, ANON_CSRF_COOKIE, csrf, { sameSite: "Strict" });
      c.set("csrf", csrf);
    }
    await next();
  };
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Every state-changing request carries the token: htmx sends it as X-CSRF-Token (the layout's hx-headers), a
 * plain form as the _csrf field. A browser's Origin, when sent, must be ours too.
 */
export function csrf(): MiddlewareHandler<AppEnv> {
  return async function csrf(c, next) {
    if (SAFE.has(c.req.method)) return next();
    const origin = c.req.header("origin");
    if (origin && origin !== "null" && origin !== new URL(c.req.url).origin && !sameForwardedOrigin(c, origin))
      throw new HttpError(403, "csrf", "cross-site request refused");
    let given = c.req.header("x-csrf-token");
    if (given === undefined && /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(c.req.header("content-type") ?? "")) {
      const field = (await c.req.parseBody())._csrf;
      given = typeof field === "string" ? field : undefined;
    }
    if (!sameSecret(given, c.get("csrf"))) throw new HttpError(403, "csrf", "missing or invalid CSRF token: reload the page and try again");
    await next();
  };
}

/** Behind a TLS proxy the request URL says http://host while the browser's Origin says https://host. */
function sameForwardedOrigin(c: Context, origin: string): boolean {
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}

/**
 * Roles are checked here, on the server, whatever the page shows. Not signed in: a page load goes to the
 * login (and back after it); anything else is 401. admin passes every check.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async function requireRole(c, next) {
    const user = c.get("user");
    if (!user) {
      if (c.req.method === "GET" && !c.req.header("hx-request")) return c.redirect(`/console/login?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}`, 302);
      throw new HttpError(401, "unauthorized", "sign in first");
    }
    if (!hasRole(user, roles)) throw new HttpError(403, "forbidden", `this page is for ${roles.join(" or ")}`);
    await next();
  };
}
