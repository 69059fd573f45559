import type { AppEnv } from "../env.js";
import { Hono } from "hono";
import type { CareRuntime } from "../../app/care-runtime.js";

export function healthRouter(rt: CareRuntime) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      try {
        await rt.store.ping();
        return c.json({ status: "ready" });
      } catch (e) {
        return c.json({ status: "unavailable", error: { code: "database", message: (e as Error).message } }, 503);
      }
    });
}
