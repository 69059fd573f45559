import type { DecisionContext } from "../domain/context.js";
import type { Rng } from "./random.js";

export interface ArmChoice {
  arm: number;
  /** Probability that the policy, in its state at decision time, picks this arm: what off-policy evaluation needs. */
  propensity: number;
}

/** What an operator reads of a policy: per context and arm, its value estimate and how often it was tried. */
export interface ArmEstimate {
  context: string;
  arm: number;
  n: number;
  meanReward: number;
  /** Posterior mean where the policy has a posterior, otherwise the empirical mean. */
  estimate: number;
}

/**
 * A bandit over a fixed list of arms. State is a set of JSON rows keyed by string, so a store can
 * persist exactly the rows an update touched.
 */
export interface Policy {
  readonly name: string;
  readonly armCount: number;
  select(ctx: DecisionContext, rng: Rng): ArmChoice;
  /**
   * The arm alone, drawn as `select` draws it but without estimating its propensity: simulation's fast
   * path. The product logs propensities, so it calls `select`.
   */
  choose(ctx: DecisionContext, rng: Rng): number;
  /** Learns from one reward in [0, 1]; returns the keys of the state rows it changed. */
  update(ctx: DecisionContext, arm: number, reward: number, rng: Rng): string[];
  exportRows(keys?: readonly string[]): Map<string, unknown>;
  importRows(rows: Map<string, unknown>): void;
  estimates(): ArmEstimate[];
}

export function argmaxTies(values: readonly number[]): number[] {
  let best = -Infinity;
  let ties: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > best) {
      best = v;
      ties = [i];
    } else if (v === best) ties.push(i);
  }
  return ties;
}
