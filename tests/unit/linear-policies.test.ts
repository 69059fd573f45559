import { describe, expect, it } from "vitest";
import { BENCH_POLICIES, benchPolicy } from "../../bench/policies/index.js";
import { expectFaithfulReload, reloadedThroughJson } from "../helpers/bandit-worlds.js";
import { contextKey, type DecisionContext } from "../../src/domain/context.js";
import { TEMPLATE_IDS } from "../../src/domain/template.js";
import { PolicyBook } from "../../src/policy/book.js";
import { encode, featureDim, priorPrecision, type FeatureSpec } from "../../src/policy/features.js";
import { ANYTIME, FIXED, GROWING, LinUcbPolicy, type Exploration } from "../../src/policy/linucb.js";
import { rngFor } from "../../src/policy/random.js";
import { createPolicy, POLICY_NAMES } from "../../src/policy/registry.js";
import { RidgeArm } from "../../src/policy/ridge.js";
import { openDb } from "../../src/store/db.js";
import { openSqliteStore } from "../../src/store/sqlite/open.js";

const SEGS = ["VF", "VE", "NVF", "NVE"] as const;
const ISSUES = ["finanzas", "mecanica", "logistica", "atencion"] as const;
const HYBRID: FeatureSpec = { numeric: true, interactions: true, precision: { main: 1, numeric: 100, interactions: 400 } };

function randomCtx(seed: number): DecisionContext {
  const r = rngFor(seed, "ctx");
  const segment = SEGS[Math.floor(r.next() * 4)]!;
  const issue = ISSUES[Math.floor(r.next() * 4)]!;
  return {
    key: contextKey(segment, issue),
    segment,
    issue_bucket: issue,
    features: { price: r.next(), recency: r.next(), past_nps: r.next(), churn_risk: r.next(), issues_flag: r.next() < 0.5 ? 1 : 0 },
  };
}

/** Gauss–Jordan with partial pivoting: the direct inverse the Sherman–Morrison updates must agree with. */
function invert(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    for (let j = 0; j < 2 * n; j++) a[c]![j]! /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let j = 0; j < 2 * n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}

describe("ridge arm", () => {
  it("Sherman–Morrison updates match a direct inverse of diag(λ) + Σxxᵀ, and the mean matches A⁻¹b", () => {
    const precision = priorPrecision(HYBRID);
    const d = featureDim(HYBRID);
    const arm = new RidgeArm(precision);
    const A = precision.map((p, i) => precision.map((_, j) => (i === j ? p : 0)));
    const b = Array(d).fill(0) as number[];
    for (let t = 0; t < 300; t++) {
      const x = encode(randomCtx(t), HYBRID);
      const reward = rngFor(t, "r").next();
      arm.update(x, reward);
      const dense = Array(d).fill(0) as number[];
      x.idx.forEach((i, k) => (dense[i] = x.val[k]!));
      for (let i = 0; i < d; i++) {
        b[i]! += reward * dense[i]!;
        for (let j = 0; j < d; j++) A[i]![j]! += dense[i]! * dense[j]!;
      }
    }
    const inv = invert(A);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(arm.ainv[i * d + j]!).toBeCloseTo(inv[i]![j]!, 9);
    const x = encode(randomCtx(999), HYBRID);
    const theta = inv.map((row) => row.reduce((a, v, k) => a + v * b[k]!, 0));
    const mean = x.idx.reduce((a, i, k) => a + theta[i]! * x.val[k]!, 0);
    expect(arm.predict(x).mean).toBeCloseTo(mean, 9);
  });
});

describe("linear policies", () => {
  it("LinUCB's exploration weight grows as max(1, 0.75·√ln t)", () => {
    const p = new LinUcbPolicy(5, HYBRID, GROWING);
    expect(p.alpha()).toBe(1);
    for (let t = 0; t < 3000; t++) p.update(randomCtx(t), t % 5, 0.5, rngFor(t));
    expect(p.alpha()).toBeCloseTo(0.75 * Math.sqrt(Math.log(3000)), 10);
  });

  it("the anytime bonus retries a template dismissed on a few unlucky rewards; a fixed α = 1 never does", () => {
    const additive: FeatureSpec = { numeric: false, interactions: false, precision: { main: 1, numeric: 1, interactions: 1 } };
    const c = randomCtx(5);
    const rng = rngFor(5);
    const retries = (exploration: Exploration) => {
      const p = new LinUcbPolicy(2, additive, exploration);
      // Arm 1 is the better one (0.9) but its first three rewards were 0.
      for (let i = 0; i < 3; i++) p.update(c, 1, 0, rng);
      let late = 0;
      for (let t = 0; t < 2000; t++) {
        const arm = p.choose(c, rng);
        if (t >= 1500 && arm === 1) late++;
        p.update(c, arm, arm === 1 ? 0.9 : 0.6, rng);
      }
      return late / 500;
    };
    expect(retries(FIXED)).toBe(0);
    expect(retries(ANYTIME)).toBeGreaterThan(0.9);
  });

  it("LinUCB and linear Thompson find the best arm of an additive world", () => {
    for (const name of ["linucb", "lin-thompson", "linucb-hybrid"]) {
      const p = benchPolicy(name, 5);
      // arm 2 is best everywhere; the segment shifts every arm alike
      const mean = (c: DecisionContext, arm: number) => 0.3 + (arm === 2 ? 0.3 : 0) + (c.segment === "VE" ? 0.1 : 0);
      let best = 0;
      for (let t = 0; t < 2000; t++) {
        const c = randomCtx(t);
        const rng = rngFor(3, name, t);
        const arm = p.choose(c, rng);
        if (t >= 1500 && arm === 2) best++;
        p.update(c, arm, rng.next() < mean(c, arm) ? 1 : 0, rng);
      }
      expect(best / 500, name).toBeGreaterThan(0.5); // uniform would give 0.2
    }
  });

  it("LinUCB's propensity is 1 (ties split); linear Thompson's matches its pick frequency", () => {
    const ucb = createPolicy("linucb", 5);
    expect(ucb.select(randomCtx(1), rngFor(1)).propensity).toBeCloseTo(0.2, 12); // untrained: five-way tie
    for (let t = 0; t < 200; t++) ucb.update(randomCtx(t), t % 5, t % 5 === 1 ? 1 : 0, rngFor(t));
    expect(ucb.select(randomCtx(7), rngFor(2)).propensity).toBe(1);

    const ts = benchPolicy("lin-thompson", 5);
    for (let t = 0; t < 60; t++) ts.update(randomCtx(t), t % 5, t % 5 === 1 ? 0.6 : 0.5, rngFor(t));
    const c = randomCtx(42);
    let picks = 0;
    let prop = 0;
    for (let i = 0; i < 1000; i++) {
      const choice = ts.select(c, rngFor(8, i));
      if (choice.arm === 1) {
        picks++;
        prop = choice.propensity;
      }
    }
    expect(Math.abs(picks / 1000 - prop)).toBeLessThan(0.1);
  });

  it("same seed, same decisions, for every policy of the product and of bench/policies", () => {
    const run = (name: string) => {
      const p = benchPolicy(name, 5);
      const arms: number[] = [];
      for (let t = 0; t < 150; t++) {
        const c = randomCtx(t);
        const { arm } = p.select(c, rngFor(11, "d", t));
        arms.push(arm, p.choose(c, rngFor(11, "c", t)));
        p.update(c, arm, arm / 5, rngFor(11, "u", t));
      }
      return arms;
    };
    for (const name of [...POLICY_NAMES, ...Object.keys(BENCH_POLICIES)]) expect(run(name), name).toEqual(run(name));
  });

  it("persists through the PolicyBook and reloads to the same state and the same decisions", async () => {
    for (const name of ["linucb", "thompson-discounted"] as const) {
      const db = openDb(":memory:");
    const store = openSqliteStore(db);
      const book = new PolicyBook(store.policyState, TEMPLATE_IDS);
      for (let t = 0; t < 120; t++) await book.learn("ns", name, `i-${t}`, randomCtx(t), t % 5, (t % 7) / 7, rngFor(t));
      const live = await book.get("ns", name);
      const reloaded = await new PolicyBook(store.policyState, TEMPLATE_IDS).get("ns", name);
      expect(reloaded.estimates(), name).toEqual(live.estimates());
      expect(reloaded.estimates().length).toBeGreaterThan(0);
      for (let t = 0; t < 30; t++) expect(reloaded.select(randomCtx(500 + t), rngFor(5, t))).toEqual(live.select(randomCtx(500 + t), rngFor(5, t)));
    }
  });

  it("bench/policies' linear variants reload from their JSON rows to the same state and decisions", () => {
    for (const name of ["linucb-hybrid", "lin-thompson"]) {
      const live = benchPolicy(name, 5);
      for (let t = 0; t < 120; t++) live.update(randomCtx(t), t % 5, (t % 7) / 7, rngFor(t));
      expectFaithfulReload(live, reloadedThroughJson(live, benchPolicy(name, 5)));
    }
  });
});
