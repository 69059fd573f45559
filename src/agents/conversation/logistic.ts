import type { Rng } from "../../policy/random.js";
import type { SparseVector } from "./features.js";

export interface LogisticOptions {
  epochs: number;
  learningRate: number;
  l2: number;
}

/**
 * One binary logistic regression per label over the same sparse vectors (one-vs-rest), fitted together
 * by stochastic gradient descent with per-weight AdaGrad steps, in an order drawn from `rng`: the same
 * seed and data give the same weights. L2 is applied to the weights a step touches (the usual lazy form).
 */
export class OneVsRestLogistic {
  private constructor(
    private readonly weights: Float64Array[],
    private readonly bias: Float64Array,
  ) {}

  static fit(xs: readonly SparseVector[], ys: readonly boolean[][], dims: number, labels: number, o: LogisticOptions, rng: Rng): OneVsRestLogistic {
    const w = Array.from({ length: labels }, () => new Float64Array(dims));
    const g2 = Array.from({ length: labels }, () => new Float64Array(dims).fill(1e-8));
    const b = new Float64Array(labels);
    const b2 = new Float64Array(labels).fill(1e-8);
    const order = xs.map((_, i) => i);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const n of order) {
        const x = xs[n]!;
        for (let k = 0; k < labels; k++) {
          const wk = w[k]!;
          const gk = g2[k]!;
          const err = sigmoid(b[k]! + dot(wk, x)) - (ys[n]![k] ? 1 : 0);
          for (let t = 0; t < x.index.length; t++) {
            const c = x.index[t]!;
            const grad = err * x.value[t]! + o.l2 * wk[c]!;
            gk[c]! += grad * grad;
            wk[c]! -= (o.learningRate * grad) / Math.sqrt(gk[c]!);
          }
          b2[k]! += err * err;
          b[k]! -= (o.learningRate * err) / Math.sqrt(b2[k]!);
        }
      }
    }
    return new OneVsRestLogistic(w, b);
  }

  /** Each label's probability for `x`. */
  probabilities(x: SparseVector): number[] {
    return this.weights.map((wk, k) => sigmoid(this.bias[k]! + dot(wk, x)));
  }
}

function dot(w: Float64Array, x: SparseVector): number {
  let s = 0;
  for (let t = 0; t < x.index.length; t++) s += w[x.index[t]!]! * x.value[t]!;
  return s;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
