import type { DecisionContext } from "../domain/context.js";
import { DEFAULT_GRID, type EbGrid } from "./eb-ridge.js";
import { ANYTIME, type Exploration } from "./linucb.js";
import type { ArmChoice, ArmEstimate } from "./policy.js";
import { PooledAndSplit, PooledLinUcb } from "./pooled-and-split.js";
import type { Rng } from "./random.js";
import { ThompsonPolicy } from "./thompson.js";

/**
 * pool-split's grid without τ = 0.02: a deviation that small never changes a cohort's best template by
 * much, and keeping it in the mixture dilutes the evidence in a world with interactions and slows its
 * fall in a world without (20 seeds at 10k: interaction 435 vs 460, reference 207 vs 203).
 */
const MIX_GRID: EbGrid = { ...DEFAULT_GRID, interactions: [0.05, 0.1, 0.2] };


/**
 * Thompson sampling over two models of the world. Both learn from every contact: an additive LinUCB
 * (the anytime bonus, empirical-Bayes arms as in pool-split) and per-cohort Beta Thompson. Each decision first draws
 * which model to believe, with P(interactions) = the posterior probability of segment × issue deviations
 * given the arms' summed Bayes factor and a prior `priorInteractions`, then acts under that model. Unlike
 * pool-split's threshold, the per-cohort model is played in proportion to its credibility from the start,
 * and its plays are the (cohort, template) pulls that carry the evidence for it, so where cohorts disagree
 * the probability runs to 1 within about a thousand contacts (pool-split's switch: 1–4k); where they do
 * not, the Bayes factor falls and the probability with it (≈ 0.005–0.04 by 3k contacts on the reference).
 *
 * The additive half leaves the numeric signals out by default (`numeric`): on the instances we have they
 * are noise, per-cohort Thompson ignores them anyway, and even shrunk by empirical Bayes they cost ≈ 15
 * regret at 10k on the reference and ≈ 40 on the interaction instance (20 seeds, bench/RESULTS.md).
 * The prior 0.3 trades the two instances: 0.1 saves little on the reference and loses ≈ 20 on interactions.
 */
export class PoolMixPolicy extends PooledAndSplit {
  readonly name = "pool-mix";
  private readonly priorLogOdds: number;

  constructor(
    armCount: number,
    readonly priorInteractions = 0.3,
    readonly exploration: Exploration = ANYTIME,
    readonly numeric = false,
    grid: EbGrid = MIX_GRID,
    readonly propensitySamples = 100,
  ) {
    super(armCount, new PooledLinUcb(armCount, "pool-mix", exploration, numeric, grid), new ThompsonPolicy(armCount, propensitySamples));
    this.priorLogOdds = Math.log(priorInteractions / (1 - priorInteractions));
  }

  /** Posterior probability that cohorts deviate from the additive picture. Read off the evidence, not stored. */
  pInteractions(): number {
    return 1 / (1 + Math.exp(-(this.pool.logBayesFactor() + this.priorLogOdds)));
  }

  choose(ctx: DecisionContext, rng: Rng): number {
    return rng.next() < this.pInteractions() ? this.split.choose(ctx, rng) : this.pool.choose(ctx, rng);
  }

  /** Same draws as `choose`, then P(arm) = p·P_thompson(arm) + (1 − p)·P_linucb(arm), Thompson's by sampling. */
  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    const p = this.pInteractions();
    const arm = rng.next() < p ? this.split.choose(ctx, rng) : this.pool.choose(ctx, rng);
    const ties = this.pool.greedy(ctx);
    const linucb = ties.includes(arm) ? 1 / ties.length : 0;
    // Where LinUCB could have played the arm, Thompson's share enters weighted by p, so p·100 draws keep its
    // error as small as a full estimate's; where only Thompson could have, the propensity is p·share and
    // needs the full count. This keeps `select` near LinUCB's speed while the additive model is believed.
    const samples = linucb > 0 ? Math.max(4, Math.ceil(p * this.propensitySamples)) : this.propensitySamples;
    const thompson = this.split.winShare(ctx, arm, rng, samples);
    return { arm, propensity: p * thompson + (1 - p) * linucb };
  }

  /** Model-averaged: each cohort and arm's estimate is p·(per-cohort posterior mean) + (1 − p)·(additive prediction). */
  estimates(): ArmEstimate[] {
    const p = this.pInteractions();
    const pooled = new Map(this.pool.estimates().map((e) => [`${e.context}\u0001${e.arm}`, e.estimate]));
    return this.split.estimates().map((e) => ({ ...e, estimate: p * e.estimate + (1 - p) * (pooled.get(`${e.context}\u0001${e.arm}`) ?? e.estimate) }));
  }
}
