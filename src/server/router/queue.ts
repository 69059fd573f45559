import type { AppEnv } from "../env.js";
import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { RUN_STATUSES } from "../../store/ports.js";
import { notFound, parseWith, queryInt, readQuery } from "../helper/http.js";

/**
 * A queued run as operators see it. Never its kwargs or metadata: they carry the customer's message and who
 * answered; parsing through this schema drops them (zod strips unknown keys).
 */
export const RunView = z.object({
  run_id: z.string(),
  thread_id: z.string(),
  assistant_id: z.string(),
  status: z.enum(RUN_STATUSES),
  attempts: z.number().int(),
  /** The last failure, already masked by the store. */
  error: z.string().nullable(),
  cancel_reason: z.string().nullable(),
  dead_at: z.string().nullable(),
  worker: z.string().nullable(),
  lease_until: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export const DeadRun = RunView.pick({ run_id: true, thread_id: true, assistant_id: true, attempts: true, error: true, created_at: true, dead_at: true });

export const DeadLetterQuery = z.object({ limit: queryInt(1, 500, 50), offset: queryInt(0, 10_000_000, 0) }).strict();

const RunId = z.string().min(1).max(128);

/** The queue seen from /v1: what was dead-lettered, and any one run by id. */
export function queueRouter(rt: CareRuntime) {
  return new Hono<AppEnv>()
    .get("/dead", async (c) => {
      const q = readQuery(c, DeadLetterQuery);
      const runs = await rt.store.runs.deadLetters(q.limit + 1, q.offset);
      const more = runs.length > q.limit;
      return c.json({ items: runs.slice(0, q.limit).map((r) => DeadRun.parse(r)), limit: q.limit, offset: q.offset, next_offset: more ? q.offset + q.limit : null });
    })
    .get("/:run_id", async (c) => {
      const id = parseWith(RunId, c.req.param("run_id"), "path");
      const run = await rt.store.runs.get(id);
      if (!run) throw notFound(`run ${id}`);
      return c.json(RunView.parse(run));
    });
}
