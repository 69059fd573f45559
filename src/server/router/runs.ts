import type { AppEnv } from "../env.js";
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import { ApiContextPatch } from "../../agents/context.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import type { ContactOutcome } from "../../app/contacts.js";
import { submitRun } from "../../app/runs/submit.js";
import type { RunWatcher } from "../../app/runs/watch.js";
import { HttpError, notFound, parseWith, readJson } from "../helper/http.js";
import { endError } from "../helper/run-end.js";

export const RunRequest = z
  .object({
    message: z.string().trim().min(1).max(2000).optional(),
    priority: z.number().int().min(0).max(10).optional(),
    context: ApiContextPatch.optional(),
  })
  .strict();

/**
 * One contact for one customer: queued like every run, and waited for; the answer is the logged
 * interaction (or the hand-off). A caller that leaves does not stop it: the contact was accepted.
 */
export function runsRouter(rt: CareRuntime, watcher: RunWatcher) {
  return new Hono<AppEnv>().post("/:id/runs", async (c) => {
    const id = parseWith(z.string().min(1).max(64), c.req.param("id"), "path");
    const body = await readJson(c, RunRequest);
    if (!(await rt.store.customers.get(id))) throw notFound(`customer ${id}`);
    const run = await submitRun(rt.store, {
      thread_id: randomUUID(),
      multitask_strategy: "enqueue",
      kwargs: { kind: "contact", customer_id: id, message: body.message, priority: body.priority, context: body.context ?? {}, request_id: c.get("requestId") },
    });
    const end = await watcher.end(run.run_id, c.req.raw.signal);
    if (!end) throw new HttpError(503, "abandoned", "the client left before the contact ended; it goes on");
    if (end.status !== "success") throw endError(end);
    const out = end.output as ContactOutcome;
    return c.json(out, out.status === "handed_off" ? 202 : 200);
  });
}
