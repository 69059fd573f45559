import type { CareObserver } from "../agents/observer.js";
import type { Logger } from "./logger.js";

/**
 * The observer with every chat-model call also logged: one JSON line per call with its tokens, cost and the
 * run's tracking id, so a run's spend is read back from the logs by its id.
 */
export function loggedModelCalls(observer: CareObserver, log: Logger): CareObserver {
  return {
    ...observer,
    modelCall: (call) => {
      observer.modelCall?.(call);
      log.info({ ...call }, "model call");
    },
  };
}
