import { z } from "zod";
import { RewardWeights } from "../domain/reward.js";
import { PolicyName } from "../policy/registry.js";

/** Per-run configuration of the care graph (LangGraph context schema). */
export const CareContext = z.object({
  policy: PolicyName.default("thompson"),
  /** Separate learning state: "main" in production, one per experiment arm. */
  policy_namespace: z.string().min(1).max(120).default("main"),
  /** Judge churn probability above which a person reviews the message. */
  churn_threshold: z.number().min(0).max(1).default(0.85),
  reward_weights: RewardWeights.default({ nps: 0.6, engagement: 0.3, churn: 0.3 }),
  experiment_id: z.string().nullable().default(null),
});
export type CareContext = z.infer<typeof CareContext>;
export type CareContextInput = z.input<typeof CareContext>;

/** Parsed once per node: LangGraph hands the context through as given. */
export function readContext(runtime: { context?: unknown } | undefined): CareContext {
  return CareContext.parse(runtime?.context ?? {});
}
