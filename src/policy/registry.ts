import { z } from "zod";
import { EpsilonGreedyPolicy } from "./epsilon-greedy.js";
import type { Policy } from "./policy.js";
import { ThompsonPolicy } from "./thompson.js";
import { UniformPolicy } from "./uniform.js";

export const POLICY_NAMES = ["uniform", "epsilon-greedy", "thompson"] as const;
export const PolicyName = z.enum(POLICY_NAMES);
export type PolicyName = z.infer<typeof PolicyName>;

export function createPolicy(name: PolicyName, armCount: number): Policy {
  switch (name) {
    case "uniform":
      return new UniformPolicy(armCount);
    case "epsilon-greedy":
      return new EpsilonGreedyPolicy(armCount, 0.1);
    case "thompson":
      return new ThompsonPolicy(armCount);
  }
}
