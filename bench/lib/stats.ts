/** Student t 97.5% quantiles by degrees of freedom (1…30); beyond that the normal's 1.96. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export interface MeanCi {
  mean: number;
  /** Half-width of the 95% confidence interval of the mean. */
  ci: number;
}

export function meanCi(xs: readonly number[]): MeanCi {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci: NaN };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, ci: ((T975[n - 2] ?? 1.96) * sd) / Math.sqrt(n) };
}

export function fmt(m: MeanCi, digits = 1): string {
  return `${m.mean.toFixed(digits)} ± ${m.ci.toFixed(digits)}`;
}

/** Parses the reference file's "418.0±19.8" (anything after the interval is a comment). */
export function parseMeanCi(text: string): MeanCi {
  const m = /^\s*([\d.]+)\s*±\s*([\d.]+)/.exec(text);
  if (!m) throw new Error(`not a "mean±ci" figure: ${text}`);
  return { mean: Number(m[1]), ci: Number(m[2]) };
}
