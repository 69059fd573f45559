import type { DecisionContext } from "../domain/context.js";
import { EbRidgeArm } from "./eb-ridge.js";
import type { FeatureSpec } from "./features.js";
import { LinUcbPolicy } from "./linucb.js";
import { argmaxTies, type ArmChoice, type ArmEstimate, type Policy } from "./policy.js";
import type { Rng } from "./random.js";
import { ThompsonPolicy } from "./thompson.js";

/** Main effects, numeric signals and segment × issue columns; the arms decide how much of it to use. */
const FEATURES: FeatureSpec = { numeric: true, interactions: true, precision: { main: 1, numeric: 1, interactions: 1 } };

const POOL = "pool:";
const SPLIT = "split:";

/** Additive LinUCB over empirical-Bayes arms, exposing their joint evidence for segment × issue effects. */
export class PooledLinUcb extends LinUcbPolicy {
  constructor(armCount: number, name = "pool-split") {
    // α = 1 fixed: the reference's exploration weight, which a world that is truly additive rewards.
    super(armCount, FEATURES, 0, 1, name, (f) => new EbRidgeArm(f));
  }

  /** The arms tied for the highest score: LinUCB plays one of them uniformly. */
  greedy(ctx: DecisionContext): number[] {
    return argmaxTies(this.scores(this.encode(ctx)));
  }

  /** The arms are independent, so their Bayes factors multiply. */
  logBayesFactor(): number {
    return this.arms.reduce((a, arm) => a + (arm as EbRidgeArm).logBayesFactor, 0);
  }
}

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
export class PoolSplitPolicy implements Policy {
  readonly name = "pool-split";
  private readonly pool: PooledLinUcb;
  private readonly split: ThompsonPolicy;

  constructor(
    readonly armCount: number,
    readonly threshold = Math.log(20),
  ) {
    this.pool = new PooledLinUcb(armCount);
    this.split = new ThompsonPolicy(armCount);
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

  update(ctx: DecisionContext, arm: number, reward: number, rng: Rng): string[] {
    const pooled = this.pool.update(ctx, arm, reward, rng).map((k) => POOL + k);
    return pooled.concat(this.split.update(ctx, arm, reward, rng).map((k) => SPLIT + k));
  }

  exportRows(keys?: readonly string[]): Map<string, unknown> {
    const pick = (prefix: string) => keys?.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    const out = new Map<string, unknown>();
    for (const [k, v] of this.pool.exportRows(pick(POOL))) out.set(POOL + k, v);
    for (const [k, v] of this.split.exportRows(pick(SPLIT))) out.set(SPLIT + k, v);
    return out;
  }

  importRows(rows: Map<string, unknown>): void {
    const pooled = new Map<string, unknown>();
    const split = new Map<string, unknown>();
    for (const [k, v] of rows) {
      if (k.startsWith(POOL)) pooled.set(k.slice(POOL.length), v);
      else if (k.startsWith(SPLIT)) split.set(k.slice(SPLIT.length), v);
      else throw new Error(`policy state row ${k} is not a ${this.name} row`);
    }
    this.pool.importRows(pooled);
    this.split.importRows(split);
  }

  /** The estimates of whichever half is deciding. */
  estimates(): ArmEstimate[] {
    return this.active().estimates();
  }
}
