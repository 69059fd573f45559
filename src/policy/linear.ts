import { z } from "zod";
import type { ContextKey, DecisionContext } from "../domain/context.js";
import type { IssueBucket, Segment } from "../domain/segment.js";
import { encode, NUMERIC_FEATURES, priorPrecision, type FeatureSpec, type SparseVector } from "./features.js";
import type { ArmChoice, ArmEstimate, Policy } from "./policy.js";
import type { Rng } from "./random.js";
import { RidgeArm } from "./ridge.js";

/** What the operator's view needs of a cohort the model has seen: pulls, rewards, its average customer. */
const CohortStats = z.object({
  n: z.array(z.number().min(0)),
  sum: z.array(z.number()),
  featureSum: z.array(z.number()).length(NUMERIC_FEATURES.length),
});
type CohortStats = z.infer<typeof CohortStats>;

const ARM_PREFIX = "arm:";
const COHORT_PREFIX = "ctx:";

/**
 * Base of the disjoint linear policies: one ridge regression per arm over the customer's features.
 * State rows: `arm:<i>` (that arm's regression) and `ctx:<segment/issue>` (counts for the operator).
 */
export abstract class LinearPolicy implements Policy {
  abstract readonly name: string;
  protected readonly arms: RidgeArm[];
  /** Rewards seen so far by all arms: the clock of a growing exploration weight. */
  protected rounds = 0;
  private readonly cohorts = new Map<string, CohortStats>();

  constructor(
    readonly armCount: number,
    readonly features: FeatureSpec,
    makeArm: (features: FeatureSpec) => RidgeArm = (f) => new RidgeArm(priorPrecision(f)),
  ) {
    this.arms = Array.from({ length: armCount }, () => makeArm(features));
  }

  /** Each arm's score for this customer; the policy plays the highest. */
  protected abstract scores(x: SparseVector, rng: Rng): number[];
  abstract select(ctx: DecisionContext, rng: Rng): ArmChoice;
  abstract choose(ctx: DecisionContext, rng: Rng): number;

  /** Rewards learned from in one cohort, all arms together. */
  protected cohortRewards(key: string): number {
    return this.cohorts.get(key)?.n.reduce((a, b) => a + b, 0) ?? 0;
  }

  protected encode(ctx: DecisionContext): SparseVector {
    return encode(ctx, this.features);
  }

  update(ctx: DecisionContext, arm: number, reward: number, _rng: Rng): string[] {
    this.arms[arm]!.update(this.encode(ctx), reward);
    this.rounds++;
    let c = this.cohorts.get(ctx.key);
    if (!c) {
      c = { n: Array(this.armCount).fill(0), sum: Array(this.armCount).fill(0), featureSum: NUMERIC_FEATURES.map(() => 0) };
      this.cohorts.set(ctx.key, c);
    }
    c.n[arm]! += 1;
    c.sum[arm]! += reward;
    NUMERIC_FEATURES.forEach((f, k) => (c.featureSum[k]! += ctx.features[f]));
    return [`${ARM_PREFIX}${arm}`, `${COHORT_PREFIX}${ctx.key}`];
  }

  exportRows(keys?: readonly string[]): Map<string, unknown> {
    const all = keys ?? [...this.arms.keys()].map((a) => `${ARM_PREFIX}${a}`).concat([...this.cohorts.keys()].map((k) => `${COHORT_PREFIX}${k}`));
    const out = new Map<string, unknown>();
    for (const key of all) {
      if (key.startsWith(ARM_PREFIX)) {
        const arm = this.arms[Number(key.slice(ARM_PREFIX.length))];
        if (arm) out.set(key, arm.exportRow());
      } else {
        const c = this.cohorts.get(key.slice(COHORT_PREFIX.length));
        if (c) out.set(key, c);
      }
    }
    return out;
  }

  importRows(rows: Map<string, unknown>): void {
    for (const [key, value] of rows) {
      if (key.startsWith(ARM_PREFIX)) {
        const arm = this.arms[Number(key.slice(ARM_PREFIX.length))];
        if (!arm) throw new Error(`policy state row ${key}: no such arm (${this.armCount} arms)`);
        arm.loadRow(value);
      } else if (key.startsWith(COHORT_PREFIX)) {
        const c = CohortStats.parse(value);
        if (c.n.length !== this.armCount) throw new Error(`policy state for ${key} has ${c.n.length} arms, expected ${this.armCount}`);
        this.cohorts.set(key.slice(COHORT_PREFIX.length), c);
      } else throw new Error(`policy state row ${key} is not a ${this.name} row`);
    }
    this.rounds = this.arms.reduce((a, arm) => a + arm.n, 0);
  }

  /** Per cohort seen, the model's posterior mean for that cohort's average customer. */
  estimates(): ArmEstimate[] {
    const out: ArmEstimate[] = [];
    for (const [key, c] of [...this.cohorts].sort(([a], [b]) => a.localeCompare(b))) {
      const total = c.n.reduce((a, b) => a + b, 0);
      const [segment, issue] = key.split("/") as [Segment, IssueBucket];
      const features = Object.fromEntries(NUMERIC_FEATURES.map((f, k) => [f, total > 0 ? c.featureSum[k]! / total : 0])) as DecisionContext["features"];
      const x = this.encode({ key: key as ContextKey, segment, issue_bucket: issue, features });
      for (let arm = 0; arm < this.armCount; arm++)
        out.push({ context: key, arm, n: c.n[arm]!, meanReward: c.n[arm]! > 0 ? c.sum[arm]! / c.n[arm]! : 0, estimate: this.arms[arm]!.predict(x).mean });
    }
    return out;
  }
}
