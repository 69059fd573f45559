import { z } from "zod";

const Axis = z.object({
  ids: z.array(z.string().min(1)).min(1),
  names: z.array(z.string()).optional(),
  p: z.array(z.number().min(0)).optional(),
});

/**
 * The simulated world's hidden truth, in the format of the public reference instance:
 * P(good reaction | segment, issue, template). Only the simulated customer reads it — never a policy.
 */
export const EnvironmentSpec = z
  .object({
    name: z.string().default("unnamed"),
    description: z.string().optional(),
    segments: Axis.extend({ p: z.array(z.number().min(0)) }),
    issues: Axis.extend({ p: z.array(z.number().min(0)) }),
    arms: Axis,
    mean: z.record(z.string(), z.array(z.number().min(0).max(1))),
    /** Optional change point: from this round on, `mean_after` holds. */
    change_at: z.number().int().positive().optional(),
    mean_after: z.record(z.string(), z.array(z.number().min(0).max(1))).optional(),
  })
  .passthrough()
  .superRefine((e, ctx) => {
    for (const axis of ["segments", "issues"] as const) {
      const { ids, p } = e[axis];
      if (p.length !== ids.length) ctx.addIssue({ code: "custom", path: [axis, "p"], message: `needs ${ids.length} probabilities` });
      const sum = p.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-6) ctx.addIssue({ code: "custom", path: [axis, "p"], message: `must sum to 1 (sums to ${sum})` });
    }
    for (const table of ["mean", "mean_after"] as const) {
      const t = e[table];
      if (!t) continue;
      for (const s of e.segments.ids)
        for (const i of e.issues.ids) {
          const row = t[`${s}/${i}`];
          if (!row) ctx.addIssue({ code: "custom", path: [table, `${s}/${i}`], message: "missing context" });
          else if (row.length !== e.arms.ids.length)
            ctx.addIssue({ code: "custom", path: [table, `${s}/${i}`], message: `needs ${e.arms.ids.length} arm means` });
        }
    }
    if (e.change_at !== undefined && !e.mean_after) ctx.addIssue({ code: "custom", path: ["mean_after"], message: "required with change_at" });
  });
export type EnvironmentSpec = z.infer<typeof EnvironmentSpec>;
