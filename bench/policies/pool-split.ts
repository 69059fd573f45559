import type { DecisionContext } from "../../src/domain/context.js";
import type { ArmChoice, ArmEstimate, Policy } from "../../src/policy/policy.js";
import { PooledAndSplit, PooledLinUcb } from "../../src/policy/pooled-and-split.js";
import type { Rng } from "../../src/policy/random.js";
import { ThompsonPolicy } from "../../src/policy/thompson.js";

/**
 * Pool while the world looks additive, split per cohort once it does not. Both halves learn from every
 * contact: an additive LinUCB whose arms shrink the numeric signals by empirical Bayes, and per-cohort
 * Thompson. The additive half decides until the Bayes factor for segment × issue deviations (summed over
 * arms) passes `threshold` nats; from then on per-cohort Thompson does, with counts already filled by the
 * pooled phase. In an additive world the factor passes ln 20 with probability ≤ 5% ever (Gaussian
 * approximation), so pooling is what the reference instance sees. Where cohorts disagree the evidence
 * grows with the pooled phase's pulls of the arms that disagree, which an additive policy makes rarely:
 * the switch comes after about 1–4k contacts on the interaction instance (bench/RESULTS.md).
 */
export class PoolSplitPolicy extends PooledAndSplit {
  readonly name = "pool-split";

  constructor(
    armCount: number,
    readonly threshold = Math.log(20),
  ) {
    super(armCount, new PooledLinUcb(armCount), new ThompsonPolicy(armCount));
  }

  /** Whether per-cohort Thompson is deciding. Not sticky: it is read off the evidence each time. */
  splitting(): boolean {
    return this.pool.logBayesFactor() > this.threshold;
  }

  private active(): Policy {
    return this.splitting() ? this.split : this.pool;
  }

  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    return this.active().select(ctx, rng);
  }

  choose(ctx: DecisionContext, rng: Rng): number {
    return this.active().choose(ctx, rng);
  }

  /** The estimates of whichever half is deciding. */
  estimates(): ArmEstimate[] {
    return this.active().estimates();
  }
}
