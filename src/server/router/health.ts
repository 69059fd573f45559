import type { AppEnv } from "../env.js";
import { Hono } from "hono";
import type { CareRuntime } from "../../app/care-runtime.js";
import { apiKeyAuth } from "../middleware/auth.js";
import type { Metrics } from "../helper/prometheus.js";

const unavailable = (code: "database" | "queue", e: unknown) => ({ status: "unavailable", error: { code, message: (e as Error).message } });

/**
 * Liveness, readiness and Prometheus: what a load balancer, an orchestrator and a scraper call, on `serve`
 * and on a worker's metrics port alike. Ready means the database answers and so does the run queue.
 */
export function healthRouter(rt: CareRuntime, metrics: Metrics, metricsToken: string | undefined) {
  const app = new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      try {
        await rt.store.ping();
      } catch (e) {
        return c.json(unavailable("database", e), 503);
      }
      try {
        const q = await rt.store.runs.stats();
        return c.json({ status: "ready", queue: { pending: q.pending, running: q.running, dead: q.dead, oldest_pending_ms: q.oldestPendingMs } });
      } catch (e) {
        return c.json(unavailable("queue", e), 503);
      }
    });
  if (metricsToken) app.use("/metrics", apiKeyAuth([metricsToken]));
  return app.get("/metrics", async (c) => c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }));
}
