import type { RunEnd } from "../../app/runs/execute.js";
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

