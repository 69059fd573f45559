import { z } from "zod";
import type { FeatureSpec } from "./features.js";
import { ANYTIME, LinUcbPolicy } from "./linucb.js";
import type { Policy } from "./policy.js";
import { PoolMixPolicy } from "./pool-mix.js";
import { DiscountedThompsonPolicy, ThompsonPolicy } from "./thompson.js";
import { UniformPolicy } from "./uniform.js";

/**
 * The policies the product ships, each with a case where it is the one to choose (README, bench/RESULTS.md).
 * Research variants measured against them live in bench/policies and are run by bench:learning only.
 */
export const POLICY_NAMES = ["uniform", "thompson", "thompson-discounted", "linucb", "pool-mix"] as const;
export const PolicyName = z.enum(POLICY_NAMES);
export type PolicyName = z.infer<typeof PolicyName>;

/** Segment and issue main effects and the numeric signals, all under a weak prior: the classic additive model. */
export const ADDITIVE: FeatureSpec = { numeric: true, interactions: false, precision: { main: 1, numeric: 1, interactions: 1 } };

export function createPolicy(name: PolicyName, armCount: number): Policy {
  switch (name) {
    case "uniform":
      return new UniformPolicy(armCount);
    case "thompson":
      return new ThompsonPolicy(armCount);
    case "thompson-discounted":
      return new DiscountedThompsonPolicy(armCount);
    case "linucb":
      return new LinUcbPolicy(armCount, ADDITIVE, ANYTIME);
    case "pool-mix":
      return new PoolMixPolicy(armCount);
  }
}
