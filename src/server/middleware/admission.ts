import type { AppEnv } from "../env.js";
import type { MiddlewareHandler } from "hono";
import { HttpError } from "../helper/http.js";
import { AbandonedError, OverloadedError, type RunSlots } from "../helper/run-slots.js";

const OVERLOADED = "overloaded";

/**
 * A route that runs the care graph takes a run slot first. The body is read before (Hono keeps it for
 * the handler), so a slow upload holds no slot. A full line answers 503 with Retry-After.
 */
export function admission(slots: RunSlots): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await c.req.text();
    const release = await inLine(slots, c.req.raw.signal, true).catch((e: unknown) => {
      if (e instanceof HttpError && e.code === OVERLOADED) c.header("Retry-After", "1");
      throw e;
    });
    try {
      await next();
    } finally {
      release();
    }
  };
}

/** A slot, or the HTTP answer for not getting one. */
export async function inLine(slots: RunSlots, signal: AbortSignal | undefined, shed: boolean): Promise<() => void> {
  try {
    return await slots.acquire(signal, shed);
  } catch (e) {
    if (e instanceof OverloadedError) throw new HttpError(503, OVERLOADED, `${e.message}; retry later`);
    // Nobody reads this answer; it keeps a client that hung up out of the error log.
    if (e instanceof AbandonedError) throw new HttpError(503, "abandoned", e.message);
    throw e;
  }
}
