import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import type { AppEnv } from "../env.js";
import { readQuery } from "../helper/http.js";

export const KpiQuery = z
  .object({
    experiment_id: z.string().max(200).optional(),
    namespace: z.string().max(120).optional(),
    since: z.iso.datetime().optional(),
  })
  .strict();

/** KPIs of the interaction log per iteration, segment and template (and issue, namespace). */
export function kpiRouter(rt: CareRuntime) {
  return new Hono<AppEnv>().get("/", async (c) => {
    const f = readQuery(c, KpiQuery);
    const filter = { experiment_id: f.experiment_id, policy_namespace: f.namespace, since: f.since };
    const k = (by: Parameters<typeof rt.store.interactions.kpis>[0]) => rt.store.interactions.kpis(by, filter);
    return c.json({
      filter: f,
      by_iteration: await k("iteration"),
      by_segment: await k("segment"),
      by_template: await k("template"),
      by_issue: await k("issue"),
      by_namespace: await k("namespace"),
    });
  });
}
