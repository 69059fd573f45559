import type { AppEnv } from "../env.js";
import type { MiddlewareHandler } from "hono";
import { setImmediate as nextTurn } from "node:timers/promises";
import { HttpError } from "../helper/http.js";
import { OverloadedError, type RunSlots } from "../helper/run-slots.js";

/**
 * Routes that run the care graph take a run slot first. A full line answers 503 with Retry-After; with
 * `shed: false` (Twilio's webhook: Twilio does not send a refused message again) the request waits.
 */
export function admission(slots: RunSlots, o: { shed: boolean } = { shed: true }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // An offline run never waits on I/O, so without this turn the first request read in an event-loop turn
    // would run to the end before the others reach the line, and the line's order would not be arrival's.
    await nextTurn();
    let release: () => void;
    try {
      release = await slots.acquire(c.req.raw.signal, o.shed);
    } catch (e) {
      if (!(e instanceof OverloadedError)) throw e;
      c.header("Retry-After", "1");
      throw new HttpError(503, "overloaded", `${e.message}; retry later`);
    }
    try {
      await next();
    } finally {
      release();
    }
  };
}
