import type { ExperimentJobs } from "../../app/experiment-jobs.js";
import type { ModelCallLedger } from "../../app/model-calls-log.js";
import type { RunService } from "../../app/runs/service.js";
import type { CookieOptions } from "../middleware/session.js";

/** What the page routers need besides the runtime. */
export interface PagesOptions {
  runs: Pick<RunService, "graphs" | "engine" | "watcher">;
  jobs: ExperimentJobs;
  cookies: CookieOptions;
  /** The model spend per run, for the dashboard's cost per conversation (none: the cost shows as unknown). */
  modelCalls?: ModelCallLedger;
}
