import type { DecisionContext } from "../domain/context.js";
import { PerContextPolicy, type ArmCounts } from "./per-context.js";
import type { ArmChoice } from "./policy.js";
import { beta, type Rng } from "./random.js";

/** Thompson sampling with a Beta(1,1) prior per context and arm. */
export class ThompsonPolicy extends PerContextPolicy {
  readonly name = "thompson";

  /** @param propensitySamples posterior draws used to estimate P(chosen arm wins) for the log. */
  constructor(armCount: number, readonly propensitySamples = 100) {
    super(armCount);
  }

  private draw(row: ArmCounts, rng: Rng): number {
    let best = 0;
    let bestValue = -1;
    for (let i = 0; i < this.armCount; i++) {
      const v = beta(rng, row.a[i]!, row.b[i]!);
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    return best;
  }

  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    const row = this.counts(ctx.key);
    const arm = this.draw(row, rng);
    // The decision's own draw counts as one sample, so the estimate is never 0 for the arm we chose.
    let wins = 1;
    for (let s = 1; s < this.propensitySamples; s++) if (this.draw(row, rng) === arm) wins++;
    return { arm, propensity: wins / this.propensitySamples };
  }

  protected override estimate(row: ArmCounts, arm: number): number {
    return row.a[arm]! / (row.a[arm]! + row.b[arm]!);
  }
}
