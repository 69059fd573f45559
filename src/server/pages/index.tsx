import { Hono, type Context, type Next } from "hono";
import type { CareRuntime } from "../../app/care-runtime.js";
import { databaseUnavailable } from "../../store/unavailable.js";
import type { AppEnv } from "../env.js";
import { HttpError } from "../helper/http.js";
import { csrf, requireRole, session } from "../middleware/session.js";
import { assetsRouter } from "./assets.js";
import { dashboardPages } from "./dashboard/routes.js";
import { ErrorPage, errorText } from "./layout.js";
import { chatPages } from "./chat/routes.js";
import { deskPages } from "./desk/routes.js";
import { inboxPages } from "./inbox/routes.js";
import { liveCaps, liveRouter } from "./live.js";
import { loginPages } from "./login.js";
import type { PagesOptions } from "./options.js";

/**
 * Pages hold customers' data: never cached, never framed, and no script but our own files (the CSP is why
 * htmx runs without eval and pages carry no inline script).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

async function pageHeaders(c: Context<AppEnv>, next: Next) {
  await next();
  c.header("Content-Security-Policy", CSP);
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Cache-Control", "no-store");
}

/** The console (/console/…) and the customers' web chat (/chat), with their assets. */
export function pagesRouter(rt: CareRuntime, options: PagesOptions) {
  // One set of caps for every page router: a person's streams count the same whichever page opened them.
  const o: PagesOptions = { ...options, streams: options.streams ?? liveCaps() };
  const pages = new Hono<AppEnv>();
  // Scoped to the pages' own paths: this router is mounted at the root, beside the API (whose clients send no CSRF token).
  // Hono's "/x/*" matches "/x" too.
  pages.use("/console/*", pageHeaders, session(rt, o.cookies), csrf());
  pages.use("/chat/*", pageHeaders);
  // The customers' chat has no people's session: its own cookie, and its CSRF token tied to it (chatSession).
  pages.route("/chat", chatPages(rt, o));
  pages.route("/console", loginPages(rt, o));
  pages.route("/console/desk", deskPages(rt, o));
  pages.route("/console/events", liveRouter(rt, { perPerson: o.streams!.perPerson }));
  pages.get("/console", requireRole("agent", "operator"), (c) => c.redirect(c.get("user")!.role === "agent" ? "/console/inbox" : "/console/metricas", 302));
  pages.route("/console/inbox", inboxPages(rt, o));
  pages.route("/console", dashboardPages(rt, o));
  // Page routers are mounted above this line: it answers only what none of them has.
  pages.get("/console/*", requireRole("agent", "operator"), (c) => c.html(<ErrorPage c={c} status={404} code="not_found" message="" />, 404));
  pages.onError((e, c) => {
    const known = e instanceof HttpError ? e : databaseUnavailable(e) ? new HttpError(503, "unavailable", "La base de datos no responde; intenta en un momento.") : undefined;
    // A bug: logged as the API's are; the person reads a page in their words (never the error's), with an id to quote.
    if (!known) o.onError?.(e, c.get("requestId"));
    const shown = known ?? new HttpError(500, "internal", `Algo falló de nuestro lado; intenta de nuevo en un momento (referencia: ${c.get("requestId") ?? "—"}).`);
    if (shown.status === 503) c.header("Retry-After", "1");
    if (c.req.header("hx-request")) {
      // htmx swaps 4xx answers (the layout's responseHandling): the message goes to the page's #flash.
      c.header("HX-Retarget", "#flash");
      c.header("HX-Reswap", "innerHTML");
      return c.html(
        <p class="error" role="alert">
          {errorText(shown.code, shown.message)}
        </p>,
        shown.status,
      );
    }
    return c.html(<ErrorPage c={c} status={shown.status} code={shown.code} message={shown.message} />, shown.status);
  });

  return new Hono<AppEnv>().route("/assets", assetsRouter()).route("/", pages);
}
