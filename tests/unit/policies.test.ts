import { describe, expect, it } from "vitest";
import { contextKey, type DecisionContext } from "../../src/domain/context.js";
import { TEMPLATE_IDS } from "../../src/domain/template.js";
import { EpsilonGreedyPolicy } from "../../bench/policies/epsilon-greedy.js";
import { PolicyBook, PolicyBindingError } from "../../src/policy/book.js";
import { beta, gamma, normal, rngFor } from "../../src/policy/random.js";
import { createPolicy, POLICY_NAMES } from "../../src/policy/registry.js";
import { ThompsonPolicy } from "../../src/policy/thompson.js";
import { openDb } from "../../src/store/db.js";
import { openSqliteStore } from "../../src/store/sqlite/open.js";

const ctx = (seg: "VF" | "VE" = "VE", issue: "mecanica" | "finanzas" = "mecanica"): DecisionContext => ({
  key: contextKey(seg, issue),
  segment: seg,
  issue_bucket: issue,
  features: { price: 0.3, recency: 0.5, past_nps: 0.3, churn_risk: 0.6, issues_flag: 1 },
});

function moments(draw: () => number, n = 40_000) {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe("samplers", () => {
  const rng = rngFor(1, "moments");
  it("normal has mean 0 and variance 1", () => {
    const m = moments(() => normal(rng));
    expect(m.mean).toBeCloseTo(0, 1);
    expect(m.variance).toBeCloseTo(1, 1);
  });
  it.each([0.5, 1, 3.5])("gamma(%s) has mean k and variance k", (k) => {
    const m = moments(() => gamma(rng, k));
    expect(Math.abs(m.mean - k) / k).toBeLessThan(0.03);
    expect(Math.abs(m.variance - k) / k).toBeLessThan(0.06);
  });
  it("beta(2, 5) has mean 2/7 and variance 10/392", () => {
    const m = moments(() => beta(rng, 2, 5));
    expect(m.mean).toBeCloseTo(2 / 7, 2);
    expect(m.variance).toBeCloseTo(10 / 392, 3);
  });
  it("the same parts give the same stream, other parts another", () => {
    const a = rngFor(7, "x", "id-1");
    const b = rngFor(7, "x", "id-1");
    const c = rngFor(7, "x", "id-2");
    const xs = [a.next(), a.next()];
    expect([b.next(), b.next()]).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
  });
});

describe("policies", () => {
  it("every policy's propensity is a probability, and uniform's is 1/K", () => {
    for (const name of POLICY_NAMES) {
      const p = createPolicy(name, 5);
      for (let i = 0; i < 50; i++) {
        const c = p.select(ctx(), rngFor(1, name, i));
        expect(c.propensity).toBeGreaterThan(0);
        expect(c.propensity).toBeLessThanOrEqual(1);
        p.update(ctx(), c.arm, c.arm === 2 ? 0.9 : 0.1, rngFor(2, name, i));
      }
      if (name === "uniform") expect(p.select(ctx(), rngFor(3)).propensity).toBe(0.2);
    }
  });

  it("ε-greedy's (bench/policies) propensity is 1−ε+ε/K for the greedy arm and ε/K for others", () => {
    const p = new EpsilonGreedyPolicy(5, 0.1);
    for (let arm = 0; arm < 5; arm++) p.update(ctx(), arm, arm === 3 ? 1 : 0, rngFor(arm));
    const seen = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const c = p.select(ctx(), rngFor(9, i));
      seen.set(c.arm, c.propensity);
    }
    expect(seen.get(3)).toBeCloseTo(0.92, 10);
    for (const [arm, prop] of seen) if (arm !== 3) expect(prop).toBeCloseTo(0.02, 10);
  });

  it("ε-greedy tries untried arms first unless told to count them as 0", () => {
    const firstGreedyArms = (untriedFirst: boolean) => {
      const p = new EpsilonGreedyPolicy(5, 0, untriedFirst);
      p.update(ctx(), 2, 0.4, rngFor(1));
      return new Set(Array.from({ length: 200 }, (_, i) => p.select(ctx(), rngFor(3, i)).arm));
    };
    // Arm 2 scored 0.4: above the untried arms' 0, below their ∞.
    expect(firstGreedyArms(false)).toEqual(new Set([2]));
    expect(firstGreedyArms(true)).toEqual(new Set([0, 1, 3, 4]));
  });

  it("Thompson's propensity matches how often it picks the arm", () => {
    const p = new ThompsonPolicy(5, 400);
    const rewards = [0.3, 0.5, 0.55, 0.2, 0.4];
    for (let i = 0; i < 60; i++) for (let a = 0; a < 5; a++) p.update(ctx(), a, rewards[a]!, rngFor(4, i, a));
    const picks = Array(5).fill(0);
    let prop2 = 0;
    for (let i = 0; i < 2000; i++) {
      const c = p.select(ctx(), rngFor(5, i));
      picks[c.arm]++;
      if (c.arm === 2) prop2 = c.propensity;
    }
    expect(Math.abs(picks[2] / 2000 - prop2)).toBeLessThan(0.08);
  });

  it("Thompson concentrates on the best arm of each context separately", () => {
    const p = new ThompsonPolicy(5, 10);
    const truth: Record<string, number[]> = { "VE/mecanica": [0.2, 0.2, 0.8, 0.2, 0.2], "VF/finanzas": [0.8, 0.2, 0.2, 0.2, 0.2] };
    const contexts = [ctx("VE", "mecanica"), ctx("VF", "finanzas")];
    for (let t = 0; t < 1500; t++) {
      const c = contexts[t % 2]!;
      const rng = rngFor(6, t);
      const { arm } = p.select(c, rng);
      p.update(c, arm, rng.next() < truth[c.key]![arm]! ? 1 : 0, rng);
    }
    const best = (key: string) => p.estimates().filter((e) => e.context === key).sort((a, b) => b.n - a.n)[0]!.arm;
    expect(best("VE/mecanica")).toBe(2);
    expect(best("VF/finanzas")).toBe(0);
  });

  it("same seed, same decisions", () => {
    const run = () => {
      const p = createPolicy("thompson", 5);
      const arms: number[] = [];
      for (let t = 0; t < 200; t++) {
        const { arm } = p.select(ctx(), rngFor(11, "d", t));
        arms.push(arm);
        p.update(ctx(), arm, arm / 5, rngFor(11, "u", t));
      }
      return arms;
    };
    expect(run()).toEqual(run());
  });
});

describe("PolicyBook on SQLite", () => {
  it("persists and reloads parameters (round trip)", async () => {
    const db = openDb(":memory:");
    const store = openSqliteStore(db);
    const book = new PolicyBook(store.policyState, TEMPLATE_IDS);
    for (let i = 0; i < 20; i++) await book.learn("ns", "thompson", `i-${i}`, ctx(), i % 5, i % 5 === 1 ? 1 : 0, rngFor(i));
    const before = (await book.get("ns", "thompson")).estimates();
    const reopened = new PolicyBook(store.policyState, TEMPLATE_IDS);
    expect((await reopened.get("ns", "thompson")).estimates()).toEqual(before);
    expect(before.find((e) => e.arm === 1)!.n).toBe(4);
  });

  it("applies an interaction id once", async () => {
    const db = openDb(":memory:");
    const store = openSqliteStore(db);
    const book = new PolicyBook(store.policyState, TEMPLATE_IDS);
    expect(await book.learn("ns", "uniform", "same", ctx(), 0, 1, rngFor(1))).toBe("applied");
    expect(await book.learn("ns", "uniform", "same", ctx(), 0, 1, rngFor(1))).toBe("duplicate");
    expect((await book.get("ns", "uniform")).estimates().find((e) => e.arm === 0)!.n).toBe(1);
  });

  it("two processes on one file: neither overwrites the other's updates", async () => {
    const db = openDb(":memory:");
    const store = openSqliteStore(db);
    const a = new PolicyBook(store.policyState, TEMPLATE_IDS);
    const b = new PolicyBook(store.policyState, TEMPLATE_IDS);
    await a.get("ns", "thompson");
    await b.get("ns", "thompson"); // both hold a copy before anyone learns
    await a.learn("ns", "thompson", "i-a", ctx(), 1, 1, rngFor(1));
    await b.learn("ns", "thompson", "i-b", ctx(), 1, 1, rngFor(2));
    await a.learn("ns", "thompson", "i-c", ctx(), 1, 1, rngFor(3));
    const fresh = await new PolicyBook(store.policyState, TEMPLATE_IDS).get("ns", "thompson");
    expect(fresh.estimates().find((e) => e.arm === 1)!.n).toBe(3);
  });

  it("tells a replayed decision from an id reused for another one", async () => {
    const db = openDb(":memory:");
    const store = openSqliteStore(db);
    const book = new PolicyBook(store.policyState, TEMPLATE_IDS);
    expect(await book.learn("ns", "uniform", "x", ctx(), 2, 1, rngFor(1))).toBe("applied");
    expect(await book.learn("ns", "uniform", "x", ctx(), 2, 1, rngFor(1))).toBe("duplicate");
    expect(await book.learn("ns", "uniform", "x", ctx(), 3, 1, rngFor(1))).toBe("conflict");
    expect(await book.learn("other", "uniform", "x", ctx(), 2, 1, rngFor(1))).toBe("conflict");
    expect((await book.get("other", "uniform")).estimates().reduce((n, e) => n + e.n, 0)).toBe(0);
  });

  it("learns inside a transaction while a load outside it waits for that transaction", async () => {
    const store = openSqliteStore(":memory:");
    const book = new PolicyBook(store.policyState, TEMPLATE_IDS);
    let outside: Promise<unknown> | undefined;
    const learned = store.transaction(async (tx) => {
      await tx.policyState.isFrozen("ns"); // the transaction holds the connection now
      outside = book.get("ns", "thompson"); // a contact's first decision on the namespace: queued behind it
      return book.learn("ns", "thompson", "i-1", ctx(), 1, 1, rngFor(1), tx.policyState);
    });
    expect(await learned).toBe("applied");
    await outside;
    expect((await book.get("ns", "thompson")).estimates().find((e) => e.arm === 1)!.n).toBe(1);
    await store.close();
  }, 2000);

  it("keeps a namespace bound to its policy", async () => {
    const db = openDb(":memory:");
    const store = openSqliteStore(db);
    const book = new PolicyBook(store.policyState, TEMPLATE_IDS);
    await book.get("ns", "thompson");
    await expect(book.get("ns", "uniform")).rejects.toThrow(PolicyBindingError);
    await expect(new PolicyBook(store.policyState, TEMPLATE_IDS).get("ns", "linucb")).rejects.toThrow(/runs thompson/);
  });

  it("names a namespace that learned with a policy moved to bench/, and a reset frees it", async () => {
    const db = openDb(":memory:");
    const store = openSqliteStore(db);
    // What an earlier version that shipped pool-split left behind.
    db.prepare("INSERT INTO policies (namespace, policy) VALUES ('main', 'pool-split')").run();
    db.prepare(`INSERT INTO policy_state (namespace, key, value) VALUES ('main', 'pool:arm:0', '{"n":3}')`).run();
    const book = new PolicyBook(store.policyState, TEMPLATE_IDS);
    for (const name of ["thompson", "pool-mix"] as const) {
      await expect(book.get("main", name)).rejects.toThrow(PolicyBindingError);
      await expect(book.get("main", name)).rejects.toThrow(/learned with pool-split, which this version no longer ships.*reset the namespace/);
    }
    await book.reset("main");
    expect(await book.learn("main", "thompson", "i-1", ctx(), 0, 1, rngFor(1))).toBe("applied");
  });
});
