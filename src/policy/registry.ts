import { z } from "zod";
import { EpsilonGreedyPolicy } from "./epsilon-greedy.js";
import type { FeatureSpec } from "./features.js";
import { LinThompsonPolicy } from "./lin-thompson.js";
import { ANYTIME, LinUcbPolicy } from "./linucb.js";
import type { Policy } from "./policy.js";
import { PoolMixPolicy } from "./pool-mix.js";
import { PoolSplitPolicy } from "./pool-split.js";
import { DiscountedThompsonPolicy, ThompsonPolicy } from "./thompson.js";
import { UniformPolicy } from "./uniform.js";

export const POLICY_NAMES = ["uniform", "epsilon-greedy", "thompson", "thompson-discounted", "linucb", "lin-thompson", "linucb-hybrid", "pool-split", "pool-mix"] as const;
export const PolicyName = z.enum(POLICY_NAMES);
export type PolicyName = z.infer<typeof PolicyName>;


/** Segment and issue main effects and the numeric signals, all under a weak prior: the classic additive model. */
const ADDITIVE: FeatureSpec = { numeric: true, interactions: false, precision: { main: 1, numeric: 1, interactions: 1 } };

/**
 * The additive model plus segment × issue interactions under a prior 400 times as strong as the main
 * effects' (prior sd ≈ 0.5/√400 = 0.025 in reward units): a cohort departs from the additive picture only
 * once its own data insist. The numeric signals are shrunk too (precision 100), since in the data we have
 * they carry little and every free coefficient costs exploration.
 */
const HYBRID: FeatureSpec = { numeric: true, interactions: true, precision: { main: 1, numeric: 100, interactions: 400 } };

export function createPolicy(name: PolicyName, armCount: number): Policy {
  switch (name) {
    case "uniform":
      return new UniformPolicy(armCount);
    case "epsilon-greedy":
      return new EpsilonGreedyPolicy(armCount, 0.1);
    case "thompson":
      return new ThompsonPolicy(armCount);
    case "thompson-discounted":
      return new DiscountedThompsonPolicy(armCount);
    case "linucb":
      return new LinUcbPolicy(armCount, ADDITIVE, ANYTIME);
    case "lin-thompson":
      return new LinThompsonPolicy(armCount, ADDITIVE, 0.25);
    case "linucb-hybrid":
      // α(t) = ½·max(1, 0.75·√ln t): the growing weight times the noise scale of a [0,1] reward (σ ≤ ½).
      return new LinUcbPolicy(armCount, HYBRID, { schedule: "growing", scale: 0.375, min: 0.5 }, "linucb-hybrid");
    case "pool-split":
      return new PoolSplitPolicy(armCount);
    case "pool-mix":
      return new PoolMixPolicy(armCount);
  }
}
