import type { DecisionContext } from "../../src/domain/context.js";
import type { IssueBucket, Segment } from "../../src/domain/segment.js";
import type { Policy } from "../../src/policy/policy.js";
import { rngFor } from "../../src/policy/random.js";
import type { Environment } from "../../src/sim/environment.js";

export interface Checkpoint {
  t: number;
  regret: number;
  /** Expected reward per round so far (Σ of the chosen arms' means / t). */
  value: number;
  bestShare: number;
}

export interface RunResult {
  checkpoints: Checkpoint[];
  roundsPerSecond: number;
}

/**
 * One policy, one seed: contexts drawn with the instance's frequencies, Bernoulli rewards from its means,
 * pseudo-regret against the best mean of the context at that round. The environment's streams depend on
 * the seed only, so every policy meets the same customers and the same coin flips (common random numbers).
 * The numeric features are drawn uniformly and independently of the reward: on the reference instance
 * they are noise a feature-based policy must learn to ignore.
 */
export function simulate(env: Environment, policy: Policy, seed: number, horizon: number, checkpointsAt: readonly number[]): RunResult {
  const world = rngFor(seed, "bench-world");
  const features = rngFor(seed, "bench-features");
  const decide = rngFor(seed, "bench-policy", policy.name);
  const checkpoints: Checkpoint[] = [];
  let regret = 0;
  let value = 0;
  let best = 0;
  const start = performance.now();
  for (let t = 0; t < horizon; t++) {
    const key = env.sampleContext(world);
    const [segment, issue] = key.split("/") as [Segment, IssueBucket];
    const ctx: DecisionContext = {
      key,
      segment,
      issue_bucket: issue,
      features: { price: features.next(), recency: features.next(), past_nps: features.next(), churn_risk: features.next(), issues_flag: features.next() < 0.5 ? 1 : 0 },
    };
    const arm = policy.choose(ctx, decide);
    const means = env.means(key, t);
    const mu = means[arm]!;
    const top = Math.max(...means);
    regret += top - mu;
    value += mu;
    if (mu === top) best++;
    policy.update(ctx, arm, world.next() < mu ? 1 : 0, decide);
    if (checkpointsAt.includes(t + 1)) checkpoints.push({ t: t + 1, regret, value: value / (t + 1), bestShare: best / (t + 1) });
  }
  return { checkpoints, roundsPerSecond: horizon / ((performance.now() - start) / 1000) };
}
