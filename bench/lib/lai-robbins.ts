import type { Environment } from "../../src/sim/environment.js";

/** Bernoulli KL divergence KL(p‖q). */
export function klBernoulli(p: number, q: number): number {
  const eps = 1e-12;
  const a = Math.min(1 - eps, Math.max(eps, p));
  const b = Math.min(1 - eps, Math.max(eps, q));
  return a * Math.log(a / b) + (1 - a) * Math.log((1 - a) / (1 - b));
}

/**
 * Lai–Robbins: any consistent policy that learns each context apart has regret ≥ C·ln T asymptotically,
 * C = Σ over contexts and suboptimal arms of gap / KL(μ_arm, μ_best). A policy that shares strength
 * between contexts is not bound by it.
 */
export function laiRobbinsConstant(env: Environment, round = 0): number {
  let c = 0;
  for (const key of env.contextKeys()) {
    const means = env.means(key, round);
    const best = Math.max(...means);
    for (const m of means) if (m < best) c += (best - m) / klBernoulli(m, best);
  }
  return c;
}
