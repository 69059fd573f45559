import type { DecisionContext } from "../domain/context.js";
import type { FeatureSpec, SparseVector } from "./features.js";
import { LinearPolicy } from "./linear.js";
import { argmaxTies, type ArmChoice } from "./policy.js";
import { randInt, type Rng } from "./random.js";
import type { RidgeArm } from "./ridge.js";

/**
 * Disjoint LinUCB (Li et al. 2010): the arm with the highest xᵀθ + α(t)·√(xᵀA⁻¹x). A fixed α stops
 * exploring once the bonus of a wrongly dismissed arm falls under the gap; α(t) = max(1, scale·√ln t)
 * keeps it from locking in for good, which is what keeps the regret logarithmic.
 */
export class LinUcbPolicy extends LinearPolicy {
  readonly name: string;

  constructor(
    armCount: number,
    features: FeatureSpec,
    readonly alphaScale = 0.75,
    readonly alphaMin = 1,
    name = "linucb",
    makeArm?: (features: FeatureSpec) => RidgeArm,
  ) {
    super(armCount, features, makeArm);
    this.name = name;
  }

  alpha(): number {
    return Math.max(this.alphaMin, this.alphaScale * Math.sqrt(Math.log(Math.max(1, this.rounds))));
  }

  protected scores(x: SparseVector): number[] {
    const alpha = this.alpha();
    return this.arms.map((arm) => {
      const { mean, variance } = arm.predict(x);
      return mean + alpha * Math.sqrt(variance);
    });
  }

  /** Deterministic but for ties, which split evenly: the propensity is 1 / number of tied arms. */
  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    const best = argmaxTies(this.scores(this.encode(ctx)));
    return { arm: best[best.length === 1 ? 0 : randInt(rng, best.length)]!, propensity: 1 / best.length };
  }

  choose(ctx: DecisionContext, rng: Rng): number {
    return this.select(ctx, rng).arm;
  }
}
