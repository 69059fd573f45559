import type { DecisionContext } from "../domain/context.js";
import { PerContextPolicy, type ArmCounts } from "./per-context.js";
import type { ArmChoice } from "./policy.js";
import { beta, type Rng } from "./random.js";

/**
 * Thompson sampling with a Beta(1,1) prior per context and arm. With `discount` γ < 1, every update of a
 * context first shrinks that context's pseudo-counts toward the prior by γ, so evidence older than about
 * 1/(1−γ) of the context's own contacts fades and a template that became best is found again.
 */
export class ThompsonPolicy extends PerContextPolicy {
  readonly name: string = "thompson";

  /** @param propensitySamples posterior draws used to estimate P(chosen arm wins) for the log. */
  constructor(
    armCount: number,
    readonly propensitySamples = 100,
    readonly discount = 1,
  ) {
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

  override choose(ctx: DecisionContext, rng: Rng): number {
    return this.draw(this.counts(ctx.key), rng);
  }

  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    const row = this.counts(ctx.key);
    const arm = this.draw(row, rng);
    // The decision's own draw counts as one sample, so the estimate is never 0 for the arm we chose.
    let wins = 1;
    for (let s = 1; s < this.propensitySamples; s++) if (this.draw(row, rng) === arm) wins++;
    return { arm, propensity: wins / this.propensitySamples };
  }

  /** P(`arm` wins a posterior draw) in this context, estimated from `samples` draws (at least 1/samples). */
  winShare(ctx: DecisionContext, arm: number, rng: Rng, samples = this.propensitySamples): number {
    const row = this.counts(ctx.key);
    let wins = 0;
    for (let s = 0; s < samples; s++) if (this.draw(row, rng) === arm) wins++;
    return Math.max(1, wins) / samples;
  }

  override update(ctx: DecisionContext, arm: number, reward: number, rng: Rng): string[] {
    if (this.discount < 1) {
      const row = this.counts(ctx.key);
      for (let i = 0; i < this.armCount; i++) {
        row.a[i] = 1 + this.discount * (row.a[i]! - 1);
        row.b[i] = 1 + this.discount * (row.b[i]! - 1);
      }
    }
    return super.update(ctx, arm, reward, rng);
  }

  protected override estimate(row: ArmCounts, arm: number): number {
    return row.a[arm]! / (row.a[arm]! + row.b[arm]!);
  }
}

/** Discounted Thompson (γ = 0.995 per contact of the context) for a world whose best template moves. */
export class DiscountedThompsonPolicy extends ThompsonPolicy {
  override readonly name = "thompson-discounted";

  constructor(armCount: number, discount = 0.995, propensitySamples = 100) {
    super(armCount, propensitySamples, discount);
  }
}
