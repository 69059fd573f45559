import { z } from "zod";
import type { SparseVector } from "./features.js";

/** One arm's Bayesian ridge regression, as persisted: the inverse design matrix (row-major) and Σ r·x. */
export const RidgeState = z.object({
  n: z.number().int().min(0),
  ainv: z.array(z.number()),
  b: z.array(z.number()),
});
export type RidgeState = z.infer<typeof RidgeState>;

/**
 * A = diag(prior precision) + Σ x xᵀ, kept as A⁻¹ so that a decision costs O(nnz·d) and an update
 * O(d²) (Sherman–Morrison) instead of a d³ inversion. θ = A⁻¹b is never stored: xᵀθ = (A⁻¹x)ᵀb.
 */
export class RidgeArm {
  readonly d: number;
  n = 0;
  readonly ainv: Float64Array;
  readonly b: Float64Array;

  constructor(precision: readonly number[]) {
    this.d = precision.length;
    this.ainv = new Float64Array(this.d * this.d);
    this.b = new Float64Array(this.d);
    precision.forEach((p, i) => (this.ainv[i * this.d + i] = 1 / p));
  }

  /** A⁻¹x: A⁻¹ is symmetric, so its columns at x's nonzeros are rows. */
  private solve(x: SparseVector): Float64Array {
    const d = this.d;
    const u = new Float64Array(d);
    for (let k = 0; k < x.idx.length; k++) {
      const row = x.idx[k]! * d;
      const v = x.val[k]!;
      if (v === 0) continue;
      for (let i = 0; i < d; i++) u[i]! += this.ainv[row + i]! * v;
    }
    return u;
  }

  /** Posterior mean xᵀθ and the variance factor xᵀA⁻¹x, in one pass over x's rows of A⁻¹. */
  predict(x: SparseVector): { mean: number; variance: number } {
    const d = this.d;
    let mean = 0;
    let variance = 0;
    for (let k = 0; k < x.idx.length; k++) {
      const row = x.idx[k]! * d;
      const v = x.val[k]!;
      if (v === 0) continue;
      let m = 0;
      for (let i = 0; i < d; i++) m += this.ainv[row + i]! * this.b[i]!;
      mean += v * m;
      for (let j = 0; j < x.idx.length; j++) variance += v * this.ainv[row + x.idx[j]!]! * x.val[j]!;
    }
    return { mean, variance: Math.max(0, variance) };
  }

  /** Sherman–Morrison: (A + xxᵀ)⁻¹ = A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x). */
  update(x: SparseVector, reward: number): void {
    const d = this.d;
    const u = this.solve(x);
    let denom = 1;
    for (let k = 0; k < x.idx.length; k++) denom += x.val[k]! * u[x.idx[k]!]!;
    for (let i = 0; i < d; i++) {
      const ui = u[i]! / denom;
      if (ui === 0) continue;
      const row = i * d;
      for (let j = 0; j < d; j++) this.ainv[row + j]! -= ui * u[j]!;
    }
    for (let k = 0; k < x.idx.length; k++) this.b[x.idx[k]!]! += reward * x.val[k]!;
    this.n++;
  }

  /** The persisted row; a subclass with more state extends it. */
  exportRow(): unknown {
    return this.toState();
  }

  loadRow(row: unknown): void {
    this.load(RidgeState.parse(row));
  }

  toState(): RidgeState {
    return { n: this.n, ainv: [...this.ainv], b: [...this.b] };
  }

  load(s: RidgeState): void {
    if (s.ainv.length !== this.d * this.d || s.b.length !== this.d) throw new Error(`ridge state has the wrong dimension (expected ${this.d})`);
    this.n = s.n;
    this.ainv.set(s.ainv);
    this.b.set(s.b);
  }
}
