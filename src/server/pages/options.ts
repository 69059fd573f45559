import type { ExperimentJobs } from "../../app/experiment-jobs.js";
import type { ModelCallLedger } from "../../app/model-calls-log.js";
import type { RunService } from "../../app/runs/service.js";
import type { WebChatSettings, WebChatTexts } from "../../domain/web-chat.js";
import type { RunSlots } from "../helper/run-slots.js";
import type { CookieOptions } from "../middleware/session.js";
import type { LiveCaps } from "./live.js";

/** What the page routers need besides the runtime. */
export interface PagesOptions {
  runs: Pick<RunService, "graphs" | "engine" | "watcher">;
  jobs: ExperimentJobs;
  cookies: CookieOptions;
  /** The model spend per run, for the dashboard's cost per conversation (none: the cost shows as unknown). */
  modelCalls?: ModelCallLedger;
  /** The run line a page that waits for a run's end takes a place in (the web chat's post without JS). */
  runSlots?: RunSlots;
  /** The web chat's settings and texts, when not data/web-chat.json's and prompts/web-chat's (tests). */
  webChat?: { settings?: WebChatSettings; texts?: WebChatTexts };
  /** Told of a page's unexpected error (the server's log), as the API's are; the person gets an es-MX page. */
  onError?: (error: unknown, requestId: string) => void;
  /** How many live streams a person, and a web chat's client address, may hold open (pagesRouter makes them). */
  streams?: LiveCaps;
}
