import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { InvalidHumanResponseError } from "../agents/human-review.js";
import { ThreadCompletedError, UnknownCustomerError } from "../agents/router.js";
import type { CareRuntime } from "../app/care-runtime.js";
import { PolicyBindingError } from "../policy/book.js";
import { PROJECT_ROOT } from "../store/assets.js";
import type { AppEnv } from "./env.js";
import { openApiDocument } from "./openapi.js";
import { errorBody, HttpError, refusedHttp } from "./helper/http.js";
import { ActionRefusedError } from "../app/handoff-actions.js";
import { apiKeyAuth } from "./middleware/auth.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { admission } from "./middleware/admission.js";
import { closeOnUnreadBody } from "./middleware/unread-body.js";
import type { RunSlots } from "./helper/run-slots.js";
import type { ExperimentJobs } from "../app/experiment-jobs.js";
import type { ModelCallLedger } from "../app/model-calls-log.js";
import type { RunService } from "../app/runs/service.js";
import { routeTemplate, type Metrics } from "./helper/prometheus.js";
import { customersRouter } from "./router/customers.js";
import { experimentsRouter } from "./router/experiments.js";
import { kpiRouter } from "./router/metrics.js";
import { conversationsRouter, handoffsRouter } from "./router/handoffs.js";
import { healthRouter } from "./router/health.js";
import { interactionsRouter } from "./router/interactions.js";
import { platformRouter } from "./router/platform.js";
import { policyRouter } from "./router/policy.js";
import { queueRouter } from "./router/queue.js";
import { runsRouter } from "./router/runs.js";
import { databaseUnavailable } from "../store/unavailable.js";
import { chatsRouter } from "./router/chats.js";
import { twilioRouter, type TwilioConfig } from "./router/twilio.js";
import { telegramRouter, type TelegramConfig } from "./router/telegram.js";
import { pagesRouter } from "./pages/index.js";
import type { CookieOptions } from "./middleware/session.js";

export interface AppOptions {
  apiKeys: readonly string[];
  corsOrigins: readonly string[];
  bodyLimitBytes: number;
  /** `trustProxy`: how many proxies of ours stand in front and append to X-Forwarded-For (0: trust none). */
  rateLimit: { perSecond: number; burst: number; trustProxy?: number };
  /** The console's cookies (Secure behind HTTPS); defaults to deciding by each request's scheme, no proxy trusted. */
  cookies?: CookieOptions;
  /** This process's model spend per run, for the console's cost per conversation. */
  modelCalls?: ModelCallLedger;
  /** When set, /metrics wants it as a bearer token. */
  metricsToken?: string;
  twilio: TwilioConfig;
  telegram: TelegramConfig;
  jobs: ExperimentJobs;
  /** The embedded LangGraph server (threads, state, history) and the reader of runs' ends and streams. */
  runs: Pick<RunService, "graphs" | "engine" | "watcher">;
  /** Every route that runs the care graph waits for one of these first. */
  runSlots: RunSlots;
  metrics: Metrics;
  onError?: (error: unknown, requestId: string) => void;
}

/** Errors of the graph layer that are the caller's doing, as HTTP answers. */
function domainError(e: unknown): HttpError | undefined {
  if (e instanceof HttpError) return e;
  if (e instanceof ActionRefusedError) return refusedHttp(e);
  if (e instanceof UnknownCustomerError) return new HttpError(404, "not_found", e.message);
  if (e instanceof ThreadCompletedError || e instanceof PolicyBindingError) return new HttpError(409, "conflict", e.message);
  if (e instanceof InvalidHumanResponseError) return new HttpError(400, "invalid_request", e.message);
  return undefined;
}

export function createApp(rt: CareRuntime, o: AppOptions) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(closeOnUnreadBody());
  app.use(async (c, next) => {
    const t0 = performance.now();
    await next();
    o.metrics.http.observe({ method: c.req.method, route: routeTemplate(c), status: String(c.res.status) }, (performance.now() - t0) / 1000);
  });
  if (o.corsOrigins.length) app.use(cors({ origin: [...o.corsOrigins] }));
  app.use(
    bodyLimit({
      maxSize: o.bodyLimitBytes,
      onError: () => {
        throw new HttpError(413, "payload_too_large", `body over ${o.bodyLimitBytes} bytes`);
      },
    }),
  );
  app.route("/", healthRouter(rt, o.metrics, o.metricsToken));
  const openapi = openApiDocument();
  const docs = readFileSync(join(PROJECT_ROOT, "public/docs.html"), "utf8");
  app.get("/openapi.json", (c) => c.json(openapi));
  app.get("/docs", (c) => c.html(docs));
  app.route("/webhooks/twilio", twilioRouter(rt, o.twilio));
  app.route("/webhooks/telegram", telegramRouter(rt, o.telegram));
  // People's screens: signed in with a session cookie and CSRF-checked, not with API keys.
  app.route("/", pagesRouter(rt, { runs: o.runs, jobs: o.jobs, runSlots: o.runSlots, modelCalls: o.modelCalls, onError: o.onError, cookies: o.cookies ?? { secure: false, trustProxy: o.rateLimit.trustProxy ?? 0 } }));

  const guarded = new Hono<AppEnv>();
  guarded.use(apiKeyAuth(o.apiKeys, o.corsOrigins), rateLimit(o.rateLimit));
  // Streamed and background runs are not in line: their response starts before the run ends.
  const run = admission(o.runSlots);
  for (const path of ["/v1/customers/:id/runs", "/v1/handoffs/:id/resolve", "/v1/chats/:thread_id/messages", "/threads/:thread_id/runs/wait"]) guarded.on("POST", path, run);
  guarded.route("/v1/customers", customersRouter(rt));
  guarded.route("/v1/customers", runsRouter(rt, o.runs.watcher));
  guarded.route("/v1/policy", policyRouter(rt));
  guarded.route("/v1/interactions", interactionsRouter(rt));
  guarded.route("/v1/handoffs", handoffsRouter(rt, o.runs.watcher));
  guarded.route("/v1/conversations", conversationsRouter(rt));
  guarded.route("/v1/chats", chatsRouter(rt, o.runs.watcher));
  guarded.route("/v1/experiments", experimentsRouter(rt, o.jobs));
  guarded.route("/v1/metrics", kpiRouter(rt));
  guarded.route("/v1/runs", queueRouter(rt));
  guarded.route("/", platformRouter(rt, o.runs));
  app.route("/", guarded);

  app.notFound((c) => c.json(errorBody(new HttpError(404, "not_found", `${c.req.method} ${c.req.path} does not exist`)), 404));
  app.onError((e, c) => {
    const known = domainError(e);
    if (known) return c.json(errorBody(known), known.status);
    o.onError?.(e, c.get("requestId"));
    // Nothing was accepted; the same request may well succeed in a moment (a full connection table, a restart).
    if (databaseUnavailable(e)) {
      c.header("Retry-After", "1");
      return c.json(errorBody(new HttpError(503, "unavailable", "the database cannot take the request now; try again")), 503);
    }
    return c.json({ error: { code: "internal", message: "internal error", request_id: c.get("requestId") } }, 500);
  });
  return app;
}
