import type { CareRuntime } from "../../src/app/care-runtime.js";
import { ExperimentJobs } from "../../src/app/experiment-jobs.js";
import { createLogger } from "../../src/app/logger.js";
import { startRunService } from "../../src/app/runs/service.js";
import { WorkerOptions } from "../../src/app/runs/worker.js";
import { createApp, type AppOptions } from "../../src/server/app.js";
import { createMetrics } from "../../src/server/helper/prometheus.js";
import { RunSlots } from "../../src/server/helper/run-slots.js";
import { storedCounts } from "../../src/server/serve.js";

/** The HTTP app on a test runtime, without a server: API key "k", Twilio and Telegram off, generous limits. */
export function testApp(rt: CareRuntime, over: Partial<AppOptions> = {}) {
  const metrics = over.metrics ?? createMetrics(storedCounts(() => rt));
  return createApp(rt, {
    // A worker in process, as `serve` has by default; it stops when the runtime closes.
    runs: over.runs ?? startRunService(rt, { worker: WorkerOptions.parse({ slots: 4, pollMs: 100 }), log: createLogger({ level: "silent" }), observer: metrics.worker }),
    apiKeys: ["k"],
    corsOrigins: [],
    bodyLimitBytes: 1 << 20,
    rateLimit: { perSecond: 1000, burst: 1000 },
    twilio: { authToken: undefined, publicBaseUrl: undefined },
    telegram: { webhookSecret: undefined, botToken: undefined },
    jobs: new ExperimentJobs(rt, rt.environment),
    runSlots: new RunSlots(4, 16),
    metrics,
    ...over,
  });
}
