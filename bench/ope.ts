/**
 * Validates the off-policy estimators on simulation:
 * `npm run bench:ope -- [--reps 500] [--rows 10000] [--logging uniform|thompson|pool-mix|…]`.
 * Target the oracle (best template per cohort), reference instance; relative RMSE, bias and CI coverage
 * of the oracle's estimated value over the replications. The logging policy is uniform by default, or any
 * policy of the product or of bench/policies learning online as it logs, with the propensities its `select` reports (what the
 * interaction log holds in production).
 */
import { parseArgs } from "node:util";
import type { ContextKey, DecisionContext } from "../src/domain/context.js";
import type { IssueBucket, Segment } from "../src/domain/segment.js";
import { directMethod, doublyRobust, ips, snips, type OpeEstimate, type OpeRow } from "../src/policy/ope.js";
import { rngFor } from "../src/policy/random.js";
import { crossFit, fitCohortModel, type LoggedReward } from "../src/policy/reward-model.js";
import { Environment } from "../src/sim/environment.js";
import { loadEnvironment } from "../src/store/assets.js";
import { benchPolicy } from "./policies/index.js";

const { values: v } = parseArgs({
  options: {
    reps: { type: "string", default: "500" },
    rows: { type: "string", default: "10000" },
    instance: { type: "string", default: "bench/instances/reference-instance.json" },
    logging: { type: "string", default: "uniform" },
  },
});
const env = new Environment(loadEnvironment(v.instance));
const K = env.armIds.length;
const truth = env.oracleValue();
const oracle = (key: string) => {
  const m = env.means(key);
  return m.map((x) => (x === Math.max(...m) ? 1 : 0));
};
// Deliberately wrong: it ranks the templates upside down (1 − true mean).
const misspecified = (key: string) => env.means(key).map((m) => 1 - m);

const estimators: Record<string, (rows: OpeRow[], alt: OpeRow[]) => OpeEstimate> = {
  IPS: (r) => ips(r),
  SNIPS: (r) => snips(r),
  "DM (cohort model, cross-fitted)": (r) => directMethod(r),
  "DR (cohort model, cross-fitted)": (r) => doublyRobust(r),
  "DM (misspecified model)": (_r, alt) => directMethod(alt),
  "DR (misspecified model)": (_r, alt) => doublyRobust(alt),
};
const results = Object.fromEntries(Object.keys(estimators).map((k) => [k, { err2: 0, err: 0, covered: 0 }]));
const start = performance.now();
for (let rep = 0; rep < Number(v.reps); rep++) {
  const rng = rngFor(rep, "ope-bench");
  const logged: Array<LoggedReward & { propensity: number }> = [];
  const logger = benchPolicy(v.logging, K);
  for (let i = 0; i < Number(v.rows); i++) {
    const key = env.sampleContext(rng);
    const [segment, issue] = key.split("/") as [Segment, IssueBucket];
    const ctx: DecisionContext = { key: key as ContextKey, segment, issue_bucket: issue, features: { price: 0.5, recency: 0.5, past_nps: 0.5, churn_risk: 0.5, issues_flag: 0 } };
    const { arm, propensity } = logger.select(ctx, rng);
    const reward = rng.next() < env.means(key)[arm]! ? 1 : 0;
    logger.update(ctx, arm, reward, rng);
    logged.push({ ctx, arm, reward, propensity });
  }
  const model = crossFit(logged, (rows) => fitCohortModel(rows, K));
  const rows = logged.map((r, i) => ({ arm: r.arm, reward: r.reward, propensity: r.propensity, target: oracle(r.ctx.key), model: model[i]! }));
  const alt = rows.map((r, i) => ({ ...r, model: misspecified(logged[i]!.ctx.key) }));
  for (const [name, f] of Object.entries(estimators)) {
    const e = f(rows, alt);
    const s = results[name]!;
    s.err += e.value - truth;
    s.err2 += (e.value - truth) ** 2;
    if (Math.abs(e.value - truth) <= e.ci) s.covered++;
  }
}
const reps = Number(v.reps);
console.log(`# OPE validation: ${env.name}, ${v.logging} logging, oracle target (true value ${truth.toFixed(4)}), ${reps} replications × ${v.rows} rows, ${((performance.now() - start) / 1000).toFixed(1)} s`);
console.log("| estimator | relative RMSE | relative bias | 95% CI coverage |\n|---|---|---|---|");
for (const [name, s] of Object.entries(results))
  console.log(`| ${name} | ${((100 * Math.sqrt(s.err2 / reps)) / truth).toFixed(2)}% | ${((100 * s.err) / reps / truth).toFixed(2)}% | ${((100 * s.covered) / reps).toFixed(1)}% |`);
