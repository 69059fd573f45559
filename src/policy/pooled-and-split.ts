import type { DecisionContext } from "../domain/context.js";
import { DEFAULT_GRID, EbRidgeArm, type EbGrid } from "./eb-ridge.js";
import type { FeatureSpec } from "./features.js";
import { FIXED, LinUcbPolicy, type Exploration } from "./linucb.js";
import type { ArmChoice, ArmEstimate, Policy } from "./policy.js";
import type { Rng } from "./random.js";
import type { ThompsonPolicy } from "./thompson.js";

/** Main effects, numeric signals and segment × issue columns; the arms decide how much of it to use. */
const FEATURES: FeatureSpec = { numeric: true, interactions: true, precision: { main: 1, numeric: 1, interactions: 1 } };

const POOL = "pool:";
const SPLIT = "split:";

/** Additive LinUCB over empirical-Bayes arms, exposing their joint evidence for segment × issue effects. */
export class PooledLinUcb extends LinUcbPolicy {
  // The defaults are pool-split's (bench/policies), measured with a fixed α = 1; pool-mix passes the anytime bonus.
  constructor(armCount: number, name = "pool-split", exploration: Exploration = FIXED, numeric = true, grid: EbGrid = DEFAULT_GRID) {
    super(armCount, { ...FEATURES, numeric }, exploration, name, (f) => new EbRidgeArm(f, grid));
  }

  /** The arms are independent, so their Bayes factors multiply. */
  logBayesFactor(): number {
    return this.arms.reduce((a, arm) => a + (arm as EbRidgeArm).logBayesFactor, 0);
  }
}

/**
 * Two models that both learn from every contact — the pooled additive one and per-cohort Thompson —
 * persisted side by side under prefixed row keys. Subclasses decide which one acts.
 */
export abstract class PooledAndSplit implements Policy {
  abstract readonly name: string;

  constructor(
    readonly armCount: number,
    protected readonly pool: PooledLinUcb,
    protected readonly split: ThompsonPolicy,
  ) {}

  abstract select(ctx: DecisionContext, rng: Rng): ArmChoice;
  abstract choose(ctx: DecisionContext, rng: Rng): number;
  abstract estimates(): ArmEstimate[];

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
}
