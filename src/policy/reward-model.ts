import type { DecisionContext } from "../domain/context.js";

export interface LoggedReward {
  ctx: DecisionContext;
  arm: number;
  reward: number;
}

/** q̂(context, ·): predicted reward per arm. */
export type RewardModel = (ctx: DecisionContext) => number[];

/**
 * The reward model for DM and DR: the mean reward per cohort and arm, shrunk toward the arm's mean over
 * all cohorts by `priorRows` pseudo-rows, so a cell seen twice does not predict 0 or 1.
 */
export function fitCohortModel(rows: readonly LoggedReward[], armCount: number, priorRows = 5): RewardModel {
  const armN = Array(armCount).fill(0) as number[];
  const armSum = Array(armCount).fill(0) as number[];
  const cells = new Map<string, { n: number[]; sum: number[] }>();
  for (const r of rows) {
    armN[r.arm]! += 1;
    armSum[r.arm]! += r.reward;
    let c = cells.get(r.ctx.key);
    if (!c) cells.set(r.ctx.key, (c = { n: Array(armCount).fill(0), sum: Array(armCount).fill(0) }));
    c.n[r.arm]! += 1;
    c.sum[r.arm]! += r.reward;
  }
  const overall = rows.length ? armSum.reduce((a, b) => a + b, 0) / rows.length : 0.5;
  const armMean = armN.map((n, a) => (armSum[a]! + priorRows * overall) / (n + priorRows));
  return (ctx) => {
    const c = cells.get(ctx.key);
    return armMean.map((m, a) => (c ? (c.sum[a]! + priorRows * m) / (c.n[a]! + priorRows) : m));
  };
}

/**
 * Two-fold cross-fitting: each row's prediction comes from a model fit on the other fold, so a row's
 * own noise never enters its prediction — what keeps DR unbiased with a model learned from the log.
 */
export function crossFit(rows: readonly LoggedReward[], fit: (rows: readonly LoggedReward[]) => RewardModel): number[][] {
  const folds = [rows.filter((_, i) => i % 2 === 0), rows.filter((_, i) => i % 2 === 1)];
  const models = [fit(folds[1]!), fit(folds[0]!)];
  return rows.map((r, i) => models[i % 2]!(r.ctx));
}
