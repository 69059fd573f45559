import { describe, expect, it } from "vitest";
import { contextKey, type DecisionContext } from "../../src/domain/context.js";
import { EbRidgeArm } from "../../src/policy/eb-ridge.js";
import { encode, type FeatureSpec } from "../../src/policy/features.js";
import { PoolSplitPolicy } from "../../src/policy/pool-split.js";
import { rngFor } from "../../src/policy/random.js";
import { RidgeArm } from "../../src/policy/ridge.js";

const SEGS = ["VF", "VE", "NVF", "NVE"] as const;
const ISSUES = ["finanzas", "mecanica", "logistica", "atencion"] as const;
const FULL: FeatureSpec = { numeric: true, interactions: true, precision: { main: 1, numeric: 1, interactions: 1 } };

function ctxAt(seed: number, t: number): DecisionContext {
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

const cohort = (c: DecisionContext) => [SEGS.indexOf(c.segment), ISSUES.indexOf(c.issue_bucket)] as const;
/** Additive: arm 2 best everywhere, the segment shifts every arm alike. */
const additive = (c: DecisionContext, arm: number) => 0.3 + (arm === 2 ? 0.25 : 0) + 0.05 * cohort(c)[0];
/** Latin square: arm (segment + issue) mod 4 is best in its cohort, arm 4 a safe middle everywhere. */
const latin = (c: DecisionContext, arm: number) => (arm === 4 ? 0.5 : arm === (cohort(c)[0] + cohort(c)[1]) % 4 ? 0.8 : 0.3);

function run(p: PoolSplitPolicy, mean: (c: DecisionContext, a: number) => number, seed: number, rounds: number) {
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

describe("empirical-Bayes ridge arm", () => {
  it("rebuilds the same A⁻¹ as Sherman–Morrison at the same prior, and shrinks noise columns", () => {
    const eb = new EbRidgeArm(FULL);
    for (let t = 0; t < 400; t++) eb.update(encode(ctxAt(1, t), FULL), rngFor(1, "r", t).next() < 0.4 ? 1 : 0);
    expect(eb.numericSd).toBeLessThanOrEqual(0.01);
    const smAinv = Float64Array.from(eb.ainv);
    eb.refit();
    for (let i = 0; i < eb.ainv.length; i++) expect(eb.ainv[i]!).toBeCloseTo(smAinv[i]!, 9);
    const copy = new EbRidgeArm(FULL);
    copy.loadRow(JSON.parse(JSON.stringify(eb.exportRow())));
    for (let i = 0; i < eb.ainv.length; i++) expect(copy.ainv[i]!).toBeCloseTo(eb.ainv[i]!, 9);
    const x = encode(ctxAt(2, 0), FULL);
    expect(copy.predict(x).mean).toBeCloseTo(eb.predict(x).mean, 9);
    expect(eb).toBeInstanceOf(RidgeArm);
  });

  it("finds no evidence for interactions in an additive world and strong evidence in a Latin square", () => {
    const add = new EbRidgeArm(FULL);
    const lat = new EbRidgeArm(FULL);
    for (let t = 0; t < 2000; t++) {
      const c = ctxAt(3, t);
      const u = rngFor(3, "r", t).next();
      add.update(encode(c, FULL), u < additive(c, 0) ? 1 : 0);
      lat.update(encode(c, FULL), u < latin(c, 0) ? 1 : 0);
    }
    expect(add.logBayesFactor).toBeLessThan(Math.log(20));
    expect(lat.logBayesFactor).toBeGreaterThan(20);
  });
});

describe("pool-split policy", () => {
  it("pools in an additive world: stays on LinUCB and plays the best arm", () => {
    const p = new PoolSplitPolicy(5);
    expect(run(p, additive, 5, 3000)).toBeGreaterThan(0.8);
    expect(p.splitting()).toBe(false);
  });

  it("splits in a Latin-square world and finds each cohort's own best arm", () => {
    const p = new PoolSplitPolicy(5);
    expect(run(p, latin, 6, 8000)).toBeGreaterThan(0.75); // the additive optimum (arm 4) is never a cohort's best
    expect(p.splitting()).toBe(true);
  });

  it("round-trips its state through JSON rows to the same decisions and estimates", () => {
    for (const mean of [additive, latin]) {
      const live = new PoolSplitPolicy(5);
      run(live, mean, 7, 3000);
      const rows = new Map([...live.exportRows()].map(([k, v]) => [k, JSON.parse(JSON.stringify(v)) as unknown]));
      const reloaded = new PoolSplitPolicy(5);
      reloaded.importRows(rows);
      expect(reloaded.splitting()).toBe(live.splitting());
      expect(reloaded.estimates()).toEqual(live.estimates());
      for (let t = 0; t < 50; t++) expect(reloaded.select(ctxAt(8, t), rngFor(9, t))).toEqual(live.select(ctxAt(8, t), rngFor(9, t)));
      // an update names exactly the rows it touched
      const keys = live.update(ctxAt(8, 0), 1, 1, rngFor(1));
      expect([...live.exportRows(keys).keys()].sort()).toEqual([...keys].sort());
    }
  });

  it("same seed, same decisions", () => {
    const decisions = () => {
      const p = new PoolSplitPolicy(5);
      const out: number[] = [];
      for (let t = 0; t < 2000; t++) {
        const c = ctxAt(10, t);
        const rng = rngFor(10, "d", t);
        const arm = p.choose(c, rng);
        out.push(arm);
        p.update(c, arm, rng.next() < latin(c, arm) ? 1 : 0, rng);
      }
      return out;
    };
    expect(decisions()).toEqual(decisions());
  });
});
