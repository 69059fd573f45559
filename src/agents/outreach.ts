import type { CareDeps } from "./deps.js";
import { composeReply } from "./compose.js";

/** Writes first to a silent customer the prioritizer picked. */
export const outreach = (deps: CareDeps) => composeReply(deps, "outreach");
