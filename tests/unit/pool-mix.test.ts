import { describe, expect, it } from "vitest";
import { additive, ctxAt, decisionsOf, latin, expectFaithfulReload, playShareBest, reloadedThroughJson } from "../helpers/bandit-worlds.js";
import { PoolMixPolicy } from "../../src/policy/pool-mix.js";
import { rngFor } from "../../src/policy/random.js";
import { createPolicy } from "../../src/policy/registry.js";


describe("pool-mix policy", () => {
  it("is the registry's pool-mix", () => {
    expect(createPolicy("pool-mix", 5)).toBeInstanceOf(PoolMixPolicy);
  });

  it("pools in an additive world: the interaction model loses credibility and the best arm is played", () => {
    const p = new PoolMixPolicy(5);
    expect(playShareBest(p, additive, 5, 3000)).toBeGreaterThan(0.85);
    expect(p.pInteractions()).toBeLessThan(0.05);
  });

  it("finds each cohort's own best arm in a Latin-square world", () => {
    const p = new PoolMixPolicy(5);
    expect(playShareBest(p, latin, 6, 5000)).toBeGreaterThan(0.8); // the additive optimum (arm 4) is never a cohort's best
    expect(p.pInteractions()).toBeGreaterThan(0.99);
  });

  it("logs the propensity with which choose picks the arm: p·Thompson share + (1 − p)·LinUCB's", () => {
    const p = new PoolMixPolicy(5, 0.5);
    playShareBest(p, latin, 11, 80);
    expect(p.pInteractions()).toBeGreaterThan(0.05); // both models still take part
    expect(p.pInteractions()).toBeLessThan(0.95);
    const c = ctxAt(12, 0);
    const freq = [0, 0, 0, 0, 0];
    for (let s = 0; s < 2000; s++) freq[p.choose(c, rngFor(16, s))]! += 1 / 2000;
    for (let t = 0; t < 20; t++) {
      const { arm, propensity } = p.select(c, rngFor(15, t));
      expect(arm).toBe(p.choose(c, rngFor(15, t))); // select draws as choose does
      expect(Math.abs(propensity - freq[arm]!)).toBeLessThan(0.1);
    }
  });

  it("round-trips its state through JSON rows to the same decisions and estimates", () => {
    for (const mean of [additive, latin]) {
      const live = new PoolMixPolicy(5);
      playShareBest(live, mean, 7, 2000);
      const reloaded = reloadedThroughJson(live, new PoolMixPolicy(5));
      expect(reloaded.pInteractions()).toBe(live.pInteractions());
      expect(new Set(live.estimates().map((e) => e.context)).size).toBe(16);
      expectFaithfulReload(live, reloaded);
    }
    expect(() => new PoolMixPolicy(5).importRows(new Map([["nope", {}]]))).toThrow();
  });

  it("same seed, same decisions", () => {
    expect(decisionsOf(() => new PoolMixPolicy(5), 10)).toEqual(decisionsOf(() => new PoolMixPolicy(5), 10));
  });
});
