import { describe, expect, it } from "vitest";
import { directMethod, doublyRobust, ips, snips, type OpeRow } from "../../src/policy/ope.js";
import { rngFor } from "../../src/policy/random.js";
import { formatOpeReport } from "../../src/app/ope.js";

// Two contexts, three arms, Bernoulli rewards: small enough to take expectations exactly.
const P_CONTEXT = [0.4, 0.6];
const MU = [[0.2, 0.5, 0.7], [0.6, 0.3, 0.4]];
const LOGGING = [[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]];
const TARGET = [[0.1, 0.1, 0.8], [0.7, 0.2, 0.1]];
const WRONG_MODEL = [[0.9, 0.1, 0.2], [0.05, 0.8, 0.9]];
const TRUE_VALUE = P_CONTEXT.reduce((v, p, x) => v + p * TARGET[x]!.reduce((a, pi, arm) => a + pi * MU[x]![arm]!, 0), 0);

/** E[estimator on one row] by enumerating every (context, arm, reward) with its probability. */
function exactExpectation(estimator: (rows: OpeRow[]) => { value: number }, model: number[][]): number {
  let e = 0;
  P_CONTEXT.forEach((px, x) =>
    LOGGING[x]!.forEach((pa, arm) =>
      [0, 1].forEach((reward) => {
        const pr = reward ? MU[x]![arm]! : 1 - MU[x]![arm]!;
        const row = { arm, reward, propensity: pa, target: TARGET[x]!, model: model[x]! };
        e += px * pa * pr * estimator([row]).value;
      }),
    ),
  );
  return e;
}

describe("off-policy estimators", () => {
  it("IPS and DR are exactly unbiased, DR even with a wrong reward model; DM only with the right one", () => {
    expect(exactExpectation(ips, WRONG_MODEL)).toBeCloseTo(TRUE_VALUE, 12);
    expect(exactExpectation(doublyRobust, WRONG_MODEL)).toBeCloseTo(TRUE_VALUE, 12);
    expect(exactExpectation(doublyRobust, MU)).toBeCloseTo(TRUE_VALUE, 12);
    expect(exactExpectation(directMethod, MU)).toBeCloseTo(TRUE_VALUE, 12);
    expect(Math.abs(exactExpectation(directMethod, WRONG_MODEL) - TRUE_VALUE)).toBeGreaterThan(0.05);
  });

  it("self-normalised IPS is consistent, and the IPS interval covers the truth about 95% of the time", () => {
    const reps = 400;
    let snipsSum = 0;
    let covered = 0;
    for (let rep = 0; rep < reps; rep++) {
      const rng = rngFor(3, "ope", rep);
      const rows: OpeRow[] = [];
      for (let i = 0; i < 400; i++) {
        const x = rng.next() < P_CONTEXT[0]! ? 0 : 1;
        const u = rng.next();
        const arm = u < LOGGING[x]![0]! ? 0 : u < LOGGING[x]![0]! + LOGGING[x]![1]! ? 1 : 2;
        rows.push({ arm, reward: rng.next() < MU[x]![arm]! ? 1 : 0, propensity: LOGGING[x]![arm]!, target: TARGET[x]!, model: WRONG_MODEL[x]! });
      }
      snipsSum += snips(rows).value;
      const e = ips(rows);
      if (Math.abs(e.value - TRUE_VALUE) <= e.ci) covered++;
    }
    expect(Math.abs(snipsSum / reps - TRUE_VALUE)).toBeLessThan(0.01);
    expect(covered / reps).toBeGreaterThan(0.9);
    expect(covered / reps).toBeLessThan(0.99);
  });
});

describe("the ope report", () => {
  const estimate = { value: 0.5, ci: 0.01 };
  const report = (effectiveSampleSize: number) =>
    formatOpeReport({ policy: "linucb", rows: { usable: 2000, train: 1000, evaluated: 1000 }, logged: estimate, ips: estimate, snips: estimate, dm: estimate, dr: estimate, effectiveSampleSize });

  it("says in words when the weights rest on few rows", () => {
    expect(report(50)).toMatch(/caution: the logged policy seldom did what "linucb" would do/);
    expect(report(400)).not.toMatch(/caution/);
  });
});
