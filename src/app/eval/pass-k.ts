/**
 * τ-bench's pass^k (Yao et al., 2024): the chance that k runs of a task, drawn from the n that were made, all
 * pass, estimated without bias as C(c, k) / C(n, k) for c passing runs of n. pass^1 is the plain pass rate;
 * pass^k falls as k grows unless every run passes, which is what it measures: reliability, not luck.
 */
export function passHatK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k)) throw new RangeError("pass^k: n, c and k must be integers");
  if (n < 1 || c < 0 || c > n || k < 1 || k > n) throw new RangeError(`pass^k: needs 0 <= c <= n and 1 <= k <= n (n=${n}, c=${c}, k=${k})`);
  // C(c,k)/C(n,k) = Π_{i<k} (c−i)/(n−i): a product of ratios, with no factorial to overflow.
  let p = 1;
  for (let i = 0; i < k; i++) p *= (c - i) / (n - i);
  return Math.max(0, p);
}

/** pass^k over tasks: the mean of each task's estimate, every task run n times. */
export function meanPassHatK(successes: readonly number[], n: number, k: number): number {
  if (successes.length === 0) return 0;
  return successes.reduce((s, c) => s + passHatK(n, c, k), 0) / successes.length;
}
