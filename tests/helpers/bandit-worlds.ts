import { expect } from "vitest";
import { contextKey, type DecisionContext } from "../../src/domain/context.js";
import type { Policy } from "../../src/policy/policy.js";
import { rngFor } from "../../src/policy/random.js";

/** Small simulated worlds for policy tests: seeded contexts and two truths, additive and Latin square. */
export const SEGS = ["VF", "VE", "NVF", "NVE"] as const;
export const ISSUES = ["finanzas", "mecanica", "logistica", "atencion"] as const;

export function ctxAt(seed: number, t: number): DecisionContext {
  const r = rngFor(seed, "ctx", t);
  const s = Math.floor(r.next() * 4);
  const i = Math.floor(r.next() * 4);
  return {
    key: contextKey(SEGS[s]!, ISSUES[i]!),
    segment: SEGS[s]!,
    issue_bucket: ISSUES[i]!,
    features: { price: r.next(), recency: r.next(), past_nps: r.next(), churn_risk: r.next(), issues_flag: r.next() < 0.5 ? 1 : 0 },
  };
}

export const cohort = (c: DecisionContext) => [SEGS.indexOf(c.segment), ISSUES.indexOf(c.issue_bucket)] as const;
/** Additive: arm 2 best everywhere, the segment shifts every arm alike. */
export const additive = (c: DecisionContext, arm: number) => 0.3 + (arm === 2 ? 0.25 : 0) + 0.05 * cohort(c)[0];
/** Latin square: arm (segment + issue) mod 4 is best in its cohort, arm 4 a safe middle everywhere. */
export const latin = (c: DecisionContext, arm: number) => (arm === 4 ? 0.5 : arm === (cohort(c)[0] + cohort(c)[1]) % 4 ? 0.8 : 0.3);

/** Plays `rounds` Bernoulli contacts; returns the share of the last 500 on the cohort's best arm. */
export function playShareBest(p: Policy, mean: (c: DecisionContext, a: number) => number, seed: number, rounds: number): number {
  let best = 0;
  for (let t = 0; t < rounds; t++) {
    const c = ctxAt(seed, t);
    const rng = rngFor(seed, "run", t);
    const arm = p.choose(c, rng);
    const means = [0, 1, 2, 3, 4].map((a) => mean(c, a));
    if (t >= rounds - 500 && means[arm] === Math.max(...means)) best++;
    p.update(c, arm, rng.next() < means[arm]! ? 1 : 0, rng);
  }
  return best / 500;
}

/** The arms a fresh policy picks over `rounds` contacts of the Latin-square world: for same-seed checks. */
export function decisionsOf(make: () => Policy, seed: number, rounds = 2000): number[] {
  const p = make();
  const out: number[] = [];
  for (let t = 0; t < rounds; t++) {
    const c = ctxAt(seed, t);
    const rng = rngFor(seed, "d", t);
    const arm = p.choose(c, rng);
    out.push(arm);
    p.update(c, arm, rng.next() < latin(c, arm) ? 1 : 0, rng);
  }
  return out;
}

/** `fresh` loaded with `live`'s state rows as they come back from JSON (what the SQLite store round-trips). */
export function reloadedThroughJson<P extends Policy>(live: Policy, fresh: P): P {
  fresh.importRows(new Map([...live.exportRows()].map(([k, v]) => [k, JSON.parse(JSON.stringify(v)) as unknown])));
  return fresh;
}

/** A reloaded policy estimates and decides as the live one, and an update names exactly the state rows it touched. */
export function expectFaithfulReload(live: Policy, reloaded: Policy): void {
  expect(reloaded.estimates()).toEqual(live.estimates());
  for (let t = 0; t < 50; t++) expect(reloaded.select(ctxAt(8, t), rngFor(9, t))).toEqual(live.select(ctxAt(8, t), rngFor(9, t)));
  const keys = live.update(ctxAt(8, 0), 1, 1, rngFor(1));
  expect([...live.exportRows(keys).keys()].sort()).toEqual([...keys].sort());
}
