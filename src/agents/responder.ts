import type { CareDeps } from "./deps.js";
import { composeReply } from "./compose.js";

/** Answers a customer who wrote. */
export const responder = (deps: CareDeps) => composeReply(deps, "responder");
