import type { ContactOutcome } from "../../app/contacts.js";
import type { ConversationAnswerOutcome } from "../../app/conversation-handoffs.js";
import type { RunEnd } from "../../app/runs/execute.js";
import type { RunWatcher } from "../../app/runs/watch.js";
import { HttpError } from "./http.js";

/** A run's failure as the HTTP answer runs/wait and /v1 give: the rules' refusals keep their status. */
export function endError(end: RunEnd): HttpError {
  const e = end.error ?? { name: "Error", message: `run ended ${end.status}` };
  if (["ConversationOwnedError", "ThreadInUseError", "HandoffRefusedError", "ThreadCompletedError", "PolicyBindingError", "RunRefusedError"].includes(e.name))
    return new HttpError(409, "conflict", e.message);
  if (e.name === "UnknownCustomerError") return new HttpError(404, "not_found", e.message);
  if (e.name === "InvalidHumanResponseError") return new HttpError(400, "invalid_request", e.message);
  if (end.status === "interrupted") return new HttpError(409, "cancelled", e.message);
  return new HttpError(500, "run_failed", `the run failed: ${e.name}`);
}


/** What a person's queued answer came to, once its run ended (/v1 and the console): the outcome, or the HTTP error its failure is. */
export async function answerEnd(watcher: RunWatcher, runId: string, signal: AbortSignal): Promise<ContactOutcome | ConversationAnswerOutcome> {
  const end = await watcher.end(runId, signal);
  if (!end) throw new HttpError(503, "abandoned", "the client left before the answer was delivered; it goes on");
  if (end.status !== "success") throw endError(end);
  return end.output as ContactOutcome | ConversationAnswerOutcome;
}
