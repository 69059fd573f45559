import { describe, expect, it } from "vitest";
import { PoolSplitPolicy } from "../../bench/policies/pool-split.js";
import { additive, ctxAt, decisionsOf, latin, expectFaithfulReload, playShareBest, reloadedThroughJson } from "../helpers/bandit-worlds.js";
import { EbRidgeArm } from "../../src/policy/eb-ridge.js";
import { encode, type FeatureSpec } from "../../src/policy/features.js";
import { rngFor } from "../../src/policy/random.js";
import { RidgeArm } from "../../src/policy/ridge.js";

const FULL: FeatureSpec = { numeric: true, interactions: true, precision: { main: 1, numeric: 1, interactions: 1 } };

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

describe("pool-split policy (bench/policies)", () => {
  it("pools in an additive world: stays on LinUCB and plays the best arm", () => {
    const p = new PoolSplitPolicy(5);
    expect(playShareBest(p, additive, 5, 3000)).toBeGreaterThan(0.8);
    expect(p.splitting()).toBe(false);
  });

  it("splits in a Latin-square world and finds each cohort's own best arm", () => {
    const p = new PoolSplitPolicy(5);
    expect(playShareBest(p, latin, 6, 8000)).toBeGreaterThan(0.75); // the additive optimum (arm 4) is never a cohort's best
    expect(p.splitting()).toBe(true);
  });

  it("round-trips its state through JSON rows to the same decisions and estimates", () => {
    for (const mean of [additive, latin]) {
      const live = new PoolSplitPolicy(5);
      playShareBest(live, mean, 7, 3000);
      const reloaded = reloadedThroughJson(live, new PoolSplitPolicy(5));
      expect(reloaded.splitting()).toBe(live.splitting());
      expectFaithfulReload(live, reloaded);
    }
  });

  it("same seed, same decisions", () => {
    expect(decisionsOf(() => new PoolSplitPolicy(5), 10)).toEqual(decisionsOf(() => new PoolSplitPolicy(5), 10));
  });
});
