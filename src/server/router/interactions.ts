import type { AppEnv } from "../env.js";
import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { IssueBucket, Segment } from "../../domain/segment.js";
import { TemplateId } from "../../domain/template.js";
import { queryInt, readQuery } from "../helper/http.js";

export const InteractionQuery = z
  .object({
    segment: Segment.optional(),
    issue: IssueBucket.optional(),
    template: TemplateId.optional(),
    namespace: z.string().max(120).optional(),
    experiment_id: z.string().max(200).optional(),
    since: z.iso.datetime().optional(),
    limit: queryInt(1, 500, 50),
    offset: queryInt(0, 10_000_000, 0),
  })
  .strict();

export function interactionsRouter(rt: CareRuntime) {
  return new Hono<AppEnv>().get("/", async (c) => {
    const f = readQuery(c, InteractionQuery);
    const items = await rt.store.interactions.list({
      segment: f.segment,
      issue_bucket: f.issue,
      template: f.template,
      policy_namespace: f.namespace,
      experiment_id: f.experiment_id,
      since: f.since,
      limit: f.limit + 1,
      offset: f.offset,
    });
    const more = items.length > f.limit;
    return c.json({ items: items.slice(0, f.limit), limit: f.limit, offset: f.offset, next_offset: more ? f.offset + f.limit : null });
  });
}
