/**
 * Off-policy evaluation: the value a target policy π would have had on contacts logged under another
 * policy μ, from (context, logged arm, reward, μ's propensity). Pure math over precomputed inputs: the
 * target's action probabilities and a reward model's predictions per row.
 */
import type { Rng } from "./random.js";

export interface OpeRow {
  arm: number;
  reward: number;
  /** μ(arm | context) as logged at decision time. */
  propensity: number;
  /** π(· | context): the target policy's probability of each arm. */
  target: readonly number[];
  /** q̂(context, ·): a reward model's prediction for each arm (for DM and DR). */
  model: readonly number[];
}

export interface OpeEstimate {
  value: number;
  /** Half-width of a 95% confidence interval. */
  ci: number;
}

const Z95 = 1.959964;

function meanAndCi(terms: readonly number[]): OpeEstimate {
  const n = terms.length;
  const mean = terms.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? terms.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : NaN;
  return { value: mean, ci: (Z95 * Math.sqrt(variance)) / Math.sqrt(n) };
}

const weight = (r: OpeRow) => r.target[r.arm]! / r.propensity;
const modelValue = (r: OpeRow) => r.target.reduce((a, p, arm) => a + p * r.model[arm]!, 0);

/** Inverse propensity scoring: unbiased whenever μ > 0 wherever π > 0. */
export function ips(rows: readonly OpeRow[]): OpeEstimate {
  return meanAndCi(rows.map((r) => weight(r) * r.reward));
}

/** Self-normalised IPS: Σwr / Σw, slightly biased, far less variable with large weights. CI by the delta method. */
export function snips(rows: readonly OpeRow[]): OpeEstimate {
  const w = rows.map(weight);
  const wMean = w.reduce((a, b) => a + b, 0) / rows.length;
  const value = rows.reduce((a, r, i) => a + w[i]! * r.reward, 0) / (wMean * rows.length);
  const { ci } = meanAndCi(rows.map((r, i) => (w[i]! * (r.reward - value)) / wMean));
  return { value, ci };
}

/**
 * Direct method: the reward model's value of π, averaged over the logged contexts. Its interval here
 * covers only the spread of contexts; the model's own error (its bias above all) is not in it — the
 * app layer bootstraps the model fit for an honest interval.
 */
export function directMethod(rows: readonly OpeRow[]): OpeEstimate {
  return meanAndCi(rows.map(modelValue));
}

/** Doubly robust: DM plus the IPS-weighted residual of the logged arm; unbiased if either part is right. */
export function doublyRobust(rows: readonly OpeRow[]): OpeEstimate {
  return meanAndCi(rows.map((r) => modelValue(r) + weight(r) * (r.reward - r.model[r.arm]!)));
}

/** Kish's effective sample size of the importance weights: how many rows the estimate is really worth. */
export function effectiveSampleSize(rows: readonly OpeRow[]): number {
  let s = 0;
  let s2 = 0;
  for (const r of rows) {
    const w = weight(r);
    s += w;
    s2 += w * w;
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

/** Percentile-bootstrap 95% half-width of a statistic of resampled row indices. */
export function bootstrapCi(n: number, statistic: (indices: readonly number[]) => number, rng: Rng, replicates = 200): number {
  const values: number[] = [];
  for (let b = 0; b < replicates; b++) values.push(statistic(Array.from({ length: n }, () => Math.floor(rng.next() * n))));
  values.sort((a, b) => a - b);
  return (values[Math.floor(0.975 * (replicates - 1))]! - values[Math.floor(0.025 * (replicates - 1))]!) / 2;
}

/**
 * π(· | context) of a policy in its current state, by drawing its decision `samples` times: exact for a
 * deterministic policy, a Monte Carlo estimate for a sampling one (error about ½/√samples per arm).
 */
export function actionProbabilities(choose: (rng: Rng) => number, armCount: number, rng: Rng, samples = 200): number[] {
  const counts = Array(armCount).fill(0) as number[];
  for (let s = 0; s < samples; s++) counts[choose(rng)]! += 1;
  return counts.map((c) => c / samples);
}
