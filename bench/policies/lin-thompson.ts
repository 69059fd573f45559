import type { DecisionContext } from "../../src/domain/context.js";
import type { FeatureSpec, SparseVector } from "../../src/policy/features.js";
import { LinearPolicy } from "../../src/policy/linear.js";
import type { ArmChoice } from "../../src/policy/policy.js";
import { normal, type Rng } from "../../src/policy/random.js";
import type { RidgeArm } from "../../src/policy/ridge.js";

/**
 * Linear Thompson sampling (Agrawal & Goyal 2013) with θ ~ N(θ̂, v²A⁻¹) per arm. Only xᵀθ matters for
 * the decision, and xᵀθ ~ N(xᵀθ̂, v²·xᵀA⁻¹x): one normal per arm instead of a d-dimensional draw.
 */
export class LinThompsonPolicy extends LinearPolicy {
  readonly name: string;

  constructor(
    armCount: number,
    features: FeatureSpec,
    readonly v = 0.25,
    readonly propensitySamples = 100,
    name = "lin-thompson",
    makeArm?: (features: FeatureSpec) => RidgeArm,
  ) {
    super(armCount, features, makeArm);
    this.name = name;
  }

  protected scores(x: SparseVector, rng: Rng): number[] {
    return this.arms.map((arm) => {
      const { mean, variance } = arm.predict(x);
      return mean + this.v * Math.sqrt(variance) * normal(rng);
    });
  }

  choose(ctx: DecisionContext, rng: Rng): number {
    return argmax(this.scores(this.encode(ctx), rng));
  }

  /** P(chosen arm wins) by redrawing the scores; the decision's own draw counts, as in per-context Thompson. */
  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    const x = this.encode(ctx);
    const predictions = this.arms.map((a) => a.predict(x));
    const draw = () => argmax(predictions.map(({ mean, variance }) => mean + this.v * Math.sqrt(variance) * normal(rng)));
    const arm = draw();
    let wins = 1;
    for (let s = 1; s < this.propensitySamples; s++) if (draw() === arm) wins++;
    return { arm, propensity: wins / this.propensitySamples };
  }
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
