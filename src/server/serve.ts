import { serve, type ServerType } from "@hono/node-server";
import { z } from "zod";
import type { CareRuntime } from "../app/care-runtime.js";
import type { Logger } from "../app/logger.js";
import { startRunService } from "../app/runs/service.js";
import { WorkerOptions } from "../app/runs/worker.js";
import { ExperimentJobs } from "../app/experiment-jobs.js";
import type { ModelCallLedger } from "../app/model-calls-log.js";
import { OutboxSender, type ChannelSenders } from "../app/outbox-sender.js";
import { telegramSender, TelegramBotConfig } from "../app/channels/telegram.js";
import { whatsappSender, TwilioRestConfig } from "../app/channels/whatsapp.js";
import { llmConfiguredIn, parseEnv } from "../config.js";
import { createApp } from "./app.js";
import { RunSlots } from "./helper/run-slots.js";
import { createMetrics, type Metrics, type StoredCounts } from "./helper/prometheus.js";

/**
 * Offline, a contact is CPU work and a few at a time is fastest (bench/RESULTS.md); with an LLM it mostly
 * waits on the network, so many run at once.
 */
const OFFLINE_RUN_CONCURRENCY = 4;
const LLM_RUN_CONCURRENCY = 64;

/** A list, or the comma-separated text an environment variable holds. */
const csv = z.union([z.array(z.string().min(1)), z.string().transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))]);

/** The service's settings, from the environment, each with an embedded default. */
export const ServerConfig = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default("127.0.0.1"),
  apiKeys: csv.default([]),
  corsOrigins: csv.default([]),
  bodyLimitBytes: z.coerce.number().int().positive().default(1024 * 1024),
  ratePerSecond: z.coerce.number().positive().default(50),
  rateBurst: z.coerce.number().int().positive().default(100),
  /** Proxies of ours in front that append to X-Forwarded-For; 0 ignores the header (src/server/middleware/rate-limit.ts). */
  trustProxy: z.coerce.number().int().min(0).max(10).default(0),
  metricsToken: z.string().min(16).optional(),
  twilioAuthToken: z.string().min(1).optional(),
  /** With the auth token and a WhatsApp sender, what people write is sent through Twilio's Messages API. */
  twilioAccountSid: TwilioRestConfig.shape.accountSid.optional(),
  twilioWhatsAppFrom: TwilioRestConfig.shape.from.optional(),
  twilioApiBase: z.string().url().optional(),
  publicBaseUrl: z.string().url().optional(),
  /** Telegram's webhook checks it; with the bot token, the bot's replies and people's messages go through the Bot API. */
  telegramWebhookSecret: z.string().regex(/^[\w-]{16,256}$/, "16 to 256 characters of A-Z, a-z, 0-9, _ and - (what Telegram accepts)").optional(),
  telegramBotToken: TelegramBotConfig.shape.token.optional(),
  telegramApiBase: z.string().url().optional(),
  customerIdSecret: z.string().min(16).optional(),
  /** Mark the console's cookies Secure even when a request does not look like HTTPS (a TLS proxy that sends no X-Forwarded-Proto). */
  secureCookies: z.stringbool().default(false),
  drainMs: z.coerce.number().int().min(0).default(30_000),
  /** Graph runs worked on at once; the rest wait in line (src/server/helper/run-slots.ts). */
  runConcurrency: z.coerce.number().int().min(1).max(1024).default(OFFLINE_RUN_CONCURRENCY),
  /** Requests that may wait for a run slot before the next one is refused with 503. */
  runQueue: z.coerce.number().int().min(0).max(100_000).default(256),
  /** `care-graph worker` only: a port for its /healthz, /readyz and /metrics (it has no other HTTP); unset, none. */
  workerMetricsPort: z.coerce.number().int().min(0).max(65535).optional(),
});
export type ServerConfig = z.infer<typeof ServerConfig>;

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return parseEnv(
    ServerConfig,
    {
      port: "PORT",
      host: "HOST",
      apiKeys: "CARE_GRAPH_API_KEYS",
      corsOrigins: "CORS_ORIGINS",
      bodyLimitBytes: "BODY_LIMIT_BYTES",
      ratePerSecond: "RATE_LIMIT_PER_SECOND",
      rateBurst: "RATE_LIMIT_BURST",
      trustProxy: "TRUST_PROXY",
      metricsToken: "METRICS_TOKEN",
      twilioAuthToken: "TWILIO_AUTH_TOKEN",
      twilioAccountSid: "TWILIO_ACCOUNT_SID",
      twilioWhatsAppFrom: "TWILIO_WHATSAPP_FROM",
      twilioApiBase: "TWILIO_API_BASE",
      publicBaseUrl: "PUBLIC_BASE_URL",
      telegramWebhookSecret: "TELEGRAM_WEBHOOK_SECRET",
      telegramBotToken: "TELEGRAM_BOT_TOKEN",
      telegramApiBase: "TELEGRAM_API_BASE",
      customerIdSecret: "CARE_GRAPH_ID_SECRET",
      secureCookies: "CONSOLE_SECURE_COOKIES",
      drainMs: "DRAIN_MS",
      runConcurrency: "RUN_CONCURRENCY",
      runQueue: "RUN_QUEUE",
      workerMetricsPort: "WORKER_METRICS_PORT",
    },
    env,
    llmConfiguredIn(env) ? { runConcurrency: LLM_RUN_CONCURRENCY } : {},
  );
}

/** The run queue's worker, in `serve` and `care-graph worker`; with an LLM configured, more runs at once by default. */
export function workerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerOptions {
  return parseEnv(
    WorkerOptions,
    { slots: "WORKER_SLOTS", leaseMs: "RUN_LEASE_MS", maxAttempts: "RUN_MAX_ATTEMPTS", pollMs: "WORKER_POLL_MS", retryDelayMs: "RUN_RETRY_DELAY_MS" },
    env,
    llmConfiguredIn(env) ? { slots: LLM_RUN_CONCURRENCY } : {},
  );
}

export class UnsafeBindError extends Error {
  override readonly name = "UnsafeBindError";
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export interface RunningServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to drainMs), then resolves. */
  close(): Promise<void>;
}

/** Each channel whose provider's API is configured: WhatsApp through Twilio, Telegram through the Bot API. */
function channelSenders(cfg: ServerConfig): ChannelSenders {
  const senders: ChannelSenders = {};
  if (cfg.twilioAccountSid && cfg.twilioAuthToken && cfg.twilioWhatsAppFrom)
    senders.whatsapp = whatsappSender(TwilioRestConfig.parse({ accountSid: cfg.twilioAccountSid, authToken: cfg.twilioAuthToken, from: cfg.twilioWhatsAppFrom, apiBase: cfg.twilioApiBase }));
  if (cfg.telegramBotToken) senders.telegram = telegramSender(TelegramBotConfig.parse({ token: cfg.telegramBotToken, apiBase: cfg.telegramApiBase }));
  return senders;
}

/**
 * The outbox's sender, for the channels configured here. Messages to another channel wait in the outbox (and
 * are sent by the first process that has its sender), which the log says once at start when there are any.
 */
async function outboxSender(rt: CareRuntime, cfg: ServerConfig, log: Logger): Promise<OutboxSender | undefined> {
  const senders = channelSenders(cfg);
  const waiting = await rt.store.outbox.pendingCount();
  if (waiting > 0 && (!senders.whatsapp || !senders.telegram))
    log.warn(
      { pending: waiting, channels: Object.keys(senders) },
      "outbound messages may wait: WhatsApp sends with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM, Telegram with TELEGRAM_BOT_TOKEN",
    );
  if (Object.keys(senders).length === 0) return undefined;
  const sender = new OutboxSender(rt, senders, log);
  sender.start();
  return sender;
}

/** What /metrics reads from the runtime's database; `runtime` answers undefined until it is open. */
export const storedCounts = (runtime: () => CareRuntime | undefined): StoredCounts => ({
  pendingHandoffs: () => runtime()?.store.handoffs.pendingCount(),
  outboundByStatus: () => runtime()?.store.outbox.countByStatus(),
  runQueue: () => runtime()?.store.runs.stats(),
});

/**
 * Serves the app; without API keys only on a loopback address. `worker`: this process also executes queued
 * runs (the default); null (`serve --no-worker`) leaves them to `care-graph worker` processes.
 */
export async function startServer(
  rt: CareRuntime,
  cfg: ServerConfig,
  log: Logger,
  metrics: Metrics = createMetrics(storedCounts(() => rt)),
  worker: WorkerOptions | null = WorkerOptions.parse({ slots: cfg.runConcurrency }),
  modelCalls?: ModelCallLedger,
): Promise<RunningServer> {
  if (cfg.apiKeys.length === 0 && !LOOPBACK.test(cfg.host))
    throw new UnsafeBindError(`no API key configured (CARE_GRAPH_API_KEYS): refusing to listen on ${cfg.host}; use a loopback address or set keys`);
  const stale = await rt.store.experiments.failInterrupted();
  if (stale) log.warn({ experiments: stale }, "experiments left running by a previous process marked failed");
  const sender = await outboxSender(rt, cfg, log);
  const jobs = new ExperimentJobs(rt, rt.environment, (id, e) => log.error({ err: e, experiment_id: id }, "experiment failed"));
  const runSlots = new RunSlots(cfg.runConcurrency, cfg.runQueue);
  const runs = startRunService(rt, { worker: worker ?? undefined, log, observer: metrics.worker });
  metrics.watchRunSlots(runSlots);
  const app = createApp(rt, {
    jobs,
    runs,
    runSlots,
    metrics,
    apiKeys: cfg.apiKeys,
    corsOrigins: cfg.corsOrigins,
    bodyLimitBytes: cfg.bodyLimitBytes,
    rateLimit: { perSecond: cfg.ratePerSecond, burst: cfg.rateBurst, trustProxy: cfg.trustProxy },
    cookies: { secure: cfg.secureCookies, trustProxy: cfg.trustProxy },
    // Runs executed by other processes (serve --no-worker) spend nothing this process sees: no ledger, cost unknown.
    modelCalls: worker ? modelCalls : undefined,
    metricsToken: cfg.metricsToken,
    twilio: { authToken: cfg.twilioAuthToken, publicBaseUrl: cfg.publicBaseUrl, idSecret: cfg.customerIdSecret },
    telegram: { webhookSecret: cfg.telegramWebhookSecret, botToken: cfg.telegramBotToken, idSecret: cfg.customerIdSecret },
    onError: (e, requestId) => log.error({ err: e, request_id: requestId }, "request failed"),
  });
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        fetch: async (req, env) => {
          inFlight++;
          const t0 = performance.now();
          try {
            const res = await app.fetch(req, env);
            log.info({ method: req.method, path: new URL(req.url).pathname, status: res.status, ms: Math.round(performance.now() - t0), request_id: res.headers.get("x-request-id") }, "request");
            return res;
          } finally {
            if (--inFlight === 0) idle?.();
          }
        },
        port: cfg.port,
        hostname: cfg.host,
      },
      () => resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : cfg.port;
  log.info({ host: cfg.host, port, auth: cfg.apiKeys.length > 0 }, "care-graph serving");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => void Promise.all([jobs.stopAll(), sender?.stop(), runs.stop(cfg.drainMs)]).then(() => resolve()));
        rt.live.endAll();
        const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (idle = r));
        const timer = setTimeout(() => ("closeAllConnections" in server ? server.closeAllConnections() : undefined), cfg.drainMs);
        void drained.then(() => {
          clearTimeout(timer);
          if ("closeIdleConnections" in server) server.closeIdleConnections();
        });
      }),
  };
}
