import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { CareRuntime } from "../app/care-runtime.js";
import type { Logger } from "../app/logger.js";
import type { AppEnv } from "./env.js";
import type { Metrics } from "./helper/prometheus.js";
import { healthRouter } from "./router/health.js";

/**
 * `care-graph worker`'s own port (WORKER_METRICS_PORT): /healthz, /readyz and /metrics, nothing else. The
 * runs a worker ends, their latency and the graph's node timings are counted in the process that ran them,
 * and with `serve --no-worker` that is never a serve process; so a worker shows its own, and an
 * orchestrator can check it is ready.
 */
export async function startWorkerHttp(rt: CareRuntime, metrics: Metrics, o: { port: number; host: string; metricsToken?: string }, log: Logger) {
  const app = new Hono<AppEnv>().route("/", healthRouter(rt, metrics, o.metricsToken));
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  log.info({ host: o.host, port }, "worker metrics and health served");
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
