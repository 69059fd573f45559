import { z } from "zod";
import type { DecisionContext } from "../domain/context.js";
import type { ArmChoice, ArmEstimate, Policy } from "./policy.js";
import type { Rng } from "./random.js";

/** Counts of one context: pulls, summed reward, and Beta pseudo-counts (successes+1, failures+1). */
export const ArmCounts = z.object({
  n: z.array(z.number().min(0)),
  sum: z.array(z.number().min(0)),
  a: z.array(z.number().positive()),
  b: z.array(z.number().positive()),
});
export type ArmCounts = z.infer<typeof ArmCounts>;

/** Base of the policies that learn each context apart (a table of arms per segment × issue). */
export abstract class PerContextPolicy implements Policy {
  abstract readonly name: string;
  protected readonly table = new Map<string, ArmCounts>();

  constructor(readonly armCount: number) {}

  abstract select(ctx: DecisionContext, rng: Rng): ArmChoice;

  /** Where the propensity comes free with the decision, the fast path is the decision itself. */
  choose(ctx: DecisionContext, rng: Rng): number {
    return this.select(ctx, rng).arm;
  }

  protected counts(key: string): ArmCounts {
    let row = this.table.get(key);
    if (!row) {
      const k = this.armCount;
      row = { n: Array(k).fill(0), sum: Array(k).fill(0), a: Array(k).fill(1), b: Array(k).fill(1) };
      this.table.set(key, row);
    }
    return row;
  }

  update(ctx: DecisionContext, arm: number, reward: number, rng: Rng): string[] {
    const row = this.counts(ctx.key);
    row.n[arm]! += 1;
    row.sum[arm]! += reward;
    // Bernoulli trick (Agrawal & Goyal 2012): a [0,1] reward becomes a coin flip with that mean,
    // which keeps the Beta posterior exact in distribution.
    if (rng.next() < reward) row.a[arm]! += 1;
    else row.b[arm]! += 1;
    return [ctx.key];
  }

  exportRows(keys?: readonly string[]): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const key of keys ?? [...this.table.keys()]) {
      const row = this.table.get(key);
      if (row) out.set(key, row);
    }
    return out;
  }

  importRows(rows: Map<string, unknown>): void {
    for (const [key, value] of rows) {
      const row = ArmCounts.parse(value);
      if (row.n.length !== this.armCount) throw new Error(`policy state for ${key} has ${row.n.length} arms, expected ${this.armCount}`);
      this.table.set(key, row);
    }
  }

  protected estimate(row: ArmCounts, arm: number): number {
    return row.n[arm]! > 0 ? row.sum[arm]! / row.n[arm]! : 0;
  }

  estimates(): ArmEstimate[] {
    const out: ArmEstimate[] = [];
    for (const [context, row] of [...this.table].sort(([a], [b]) => a.localeCompare(b)))
      for (let arm = 0; arm < this.armCount; arm++)
        out.push({
          context,
          arm,
          n: row.n[arm]!,
          meanReward: row.n[arm]! > 0 ? row.sum[arm]! / row.n[arm]! : 0,
          estimate: this.estimate(row, arm),
        });
    return out;
  }
}
