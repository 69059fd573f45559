import type { DecisionContext } from "../domain/context.js";
import { PerContextPolicy } from "./per-context.js";
import type { ArmChoice } from "./policy.js";
import { randInt, type Rng } from "./random.js";

/** The baseline: every arm equally likely. It still keeps counts, so its logs can be read like any other. */
export class UniformPolicy extends PerContextPolicy {
  readonly name = "uniform";

  select(_ctx: DecisionContext, rng: Rng): ArmChoice {
    return { arm: randInt(rng, this.armCount), propensity: 1 / this.armCount };
  }
}
