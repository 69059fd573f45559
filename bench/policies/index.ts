/**
 * Policies the benchmarks measure next to the product's (src/policy/registry.ts) but the product does not
 * ship: research variants that no measured instance made the one to choose (bench/RESULTS.md, "Which
 * policies the product ships"), and replicas of the reference file's policies, kept to check the harness.
 */
import type { FeatureSpec } from "../../src/policy/features.js";
import { FIXED, LinUcbPolicy } from "../../src/policy/linucb.js";
import type { Policy } from "../../src/policy/policy.js";
import { ADDITIVE, createPolicy, PolicyName } from "../../src/policy/registry.js";
import { EpsilonGreedyPolicy } from "./epsilon-greedy.js";
import { LinThompsonPolicy } from "./lin-thompson.js";
import { PoolSplitPolicy } from "./pool-split.js";

/**
 * The additive model plus segment × issue interactions under a prior 400 times as strong as the main
 * effects' (prior sd ≈ 0.5/√400 = 0.025 in reward units): a cohort departs from the additive picture only
 * once its own data insist. The numeric signals are shrunk too (precision 100), since in the data we have
 * they carry little and every free coefficient costs exploration.
 */
const HYBRID: FeatureSpec = { numeric: true, interactions: true, precision: { main: 1, numeric: 100, interactions: 400 } };

export const BENCH_POLICIES: Record<string, (arms: number) => Policy> = {
  "epsilon-greedy": (arms) => new EpsilonGreedyPolicy(arms, 0.1),
  "lin-thompson": (arms) => new LinThompsonPolicy(arms, ADDITIVE, 0.25),
  // α(t) = ½·max(1, 0.75·√ln t): the growing weight times the noise scale of a [0,1] reward (σ ≤ ½).
  "linucb-hybrid": (arms) => new LinUcbPolicy(arms, HYBRID, { schedule: "growing", scale: 0.375, min: 0.5 }, "linucb-hybrid"),
  "pool-split": (arms) => new PoolSplitPolicy(arms),
  // The reference file's LinUCB (α = 1 over x = [1, segment, issue]) and ε-greedy 0.1 whose untried arms start at 0.
  "ref-linucb": (arms) => new LinUcbPolicy(arms, { numeric: false, interactions: false, precision: { main: 1, numeric: 1, interactions: 1 } }, FIXED, "linucb-ref"),
  "ref-epsilon-greedy": (arms) => new EpsilonGreedyPolicy(arms, 0.1, false, "epsilon-greedy-ref"),
};

/** A product policy or a bench one, by name; an unknown name throws listing both. */
export function benchPolicy(name: string, arms: number): Policy {
  const bench = BENCH_POLICIES[name];
  if (bench) return bench(arms);
  const product = PolicyName.safeParse(name);
  if (!product.success) throw new Error(`unknown policy ${name}: one of ${[...PolicyName.options, ...Object.keys(BENCH_POLICIES)].join(", ")}`);
  return createPolicy(product.data, arms);
}
