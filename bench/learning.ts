/**
 * The learning benchmark: every policy of the product and of bench/policies on a simulated instance, 20 seeds, pseudo-regret at
 * 1k / 10k / 100k contacts, and each policy's regret minus a baseline's on the same seeds.
 * `npm run bench:learning -- [--instance FILE] [--seeds N] [--horizon N] [--policies a,b] [--baseline NAME] [--quick]`.
 * `--policies genie-top2,genie-top3` adds bench-only reference points (LinUCB told the best templates; bench/lib/genie.ts).
 * See bench/RESULTS.md.
 */
import { parseArgs } from "node:util";
import type { Policy } from "../src/policy/policy.js";
import { POLICY_NAMES } from "../src/policy/registry.js";
import { Environment } from "../src/sim/environment.js";
import { loadEnvironment } from "../src/store/assets.js";
import { laiRobbinsConstant } from "./lib/lai-robbins.js";
import { TopKGenie } from "./lib/genie.js";
import { BENCH_POLICIES, benchPolicy } from "./policies/index.js";
import { simulate, type RunResult } from "./lib/simulate.js";
import { fmt, meanCi, type MeanCi } from "./lib/stats.js";

const { values: v } = parseArgs({
  options: {
    instance: { type: "string", default: "bench/instances/reference-instance.json" },
    seeds: { type: "string", default: "20" },
    horizon: { type: "string", default: "100000" },
    policies: { type: "string" },
    quick: { type: "boolean", default: false },
    // Paired against this policy on the same seeds (common random numbers): far tighter than comparing two intervals.
    baseline: { type: "string", default: "ref-linucb" },
  },
});

const seeds = v.quick ? 5 : Number(v.seeds);
const horizon = v.quick ? 10_000 : Number(v.horizon);
const checkpoints = [1_000, 10_000, 100_000, horizon].filter((t, i, all) => t <= horizon && all.indexOf(t) === i);
const spec = loadEnvironment(v.instance);
const env = new Environment(spec);
const names = v.policies ? v.policies.split(",") : [...POLICY_NAMES, ...Object.keys(BENCH_POLICIES)];
// Told the instance's best templates per cohort (bench/lib/genie.ts): reference points, never run unless named.
const GENIES: Record<string, () => Policy> = { "genie-top2": () => new TopKGenie(env, 2), "genie-top3": () => new TopKGenie(env, 3) };
const make = (name: string): Policy => GENIES[name]?.() ?? benchPolicy(name, env.armIds.length);
const oracle = (t: number) => (spec.change_at !== undefined && t > spec.change_at ? (env.oracleValue(0) * spec.change_at + env.oracleValue(spec.change_at) * (t - spec.change_at)) / t : env.oracleValue(0));
const uniform = (t: number) => (spec.change_at !== undefined && t > spec.change_at ? (env.uniformValue(0) * spec.change_at + env.uniformValue(spec.change_at) * (t - spec.change_at)) / t : env.uniformValue(0));

const c = laiRobbinsConstant(env);
console.log(`# ${env.name}: ${seeds} seeds, horizon ${horizon}, node ${process.version}`);
console.log(`oracle ${env.oracleValue().toFixed(4)}  uniform ${env.uniformValue().toFixed(4)}  Lai-Robbins C = ${c.toFixed(1)}` +
  (spec.change_at !== undefined ? `  (after round ${spec.change_at}: oracle ${env.oracleValue(spec.change_at).toFixed(4)}, C = ${laiRobbinsConstant(env, spec.change_at).toFixed(1)})` : ""));
console.log(`\n| policy | ${checkpoints.map((t) => `regret ${t / 1000}k`).join(" | ")} | lift over uniform @${horizon / 1000}k | best-template share @${horizon / 1000}k | slope dR/d ln T ${checkpoints.length > 1 ? checkpoints.slice(-2).map((t) => `${t / 1000}k`).join("→") : ""} | rounds/s |`);
console.log(`|---|${checkpoints.map(() => "---").join("|")}|---|---|---|---|`);

const at = (runs: RunResult[], t: number, f: (c: RunResult["checkpoints"][number]) => number): MeanCi => meanCi(runs.map((r) => f(r.checkpoints.find((c) => c.t === t)!)));
const regretAt = (r: RunResult, t: number) => r.checkpoints.find((c) => c.t === t)!.regret;
const runAll = (name: string) => Array.from({ length: seeds }, (_, s) => simulate(env, make(name), s + 1, horizon, checkpoints));
const baseline = v.baseline ? runAll(v.baseline) : undefined;
const paired: string[] = [];
for (const name of names) {
  const runs = name === v.baseline && baseline ? baseline : runAll(name);
  if (baseline && name !== v.baseline)
    paired.push(`  ${name}: ${checkpoints.map((t) => `${t / 1000}k ${fmt(meanCi(runs.map((r, s) => regretAt(r, t) - regretAt(baseline[s]!, t))), 1)}`).join(", ")}`);
  const regret = checkpoints.map((t) => at(runs, t, (c) => c.regret));
  const lift = at(runs, horizon, (c) => (100 * (c.value - uniform(horizon))) / uniform(horizon));
  const share = at(runs, horizon, (c) => 100 * c.bestShare);
  const [t0, t1] = checkpoints.slice(-2) as [number, number];
  const slope = checkpoints.length > 1 ? meanCi(runs.map((r) => (r.checkpoints.find((c) => c.t === t1)!.regret - r.checkpoints.find((c) => c.t === t0)!.regret) / Math.log(t1 / t0))) : undefined;
  const speed = meanCi(runs.map((r) => r.roundsPerSecond));
  console.log(`| ${name} | ${regret.map((r) => fmt(r, 1)).join(" | ")} | ${fmt(lift, 1)}% (oracle ${((100 * (oracle(horizon) - uniform(horizon))) / uniform(horizon)).toFixed(1)}%) | ${fmt(share, 1)}% | ${slope ? fmt(slope, 0) : "–"} | ${Math.round(speed.mean / 1000)}k |`);
}
if (paired.length) console.log(`\nRegret minus ${v.baseline}'s on the same seeds (paired, mean ± 95% CI; negative = better):\n${paired.join("\n")}`);
const ref = (spec as { reference_results?: { regret?: Record<string, Record<string, string>> } }).reference_results?.regret;
if (ref) {
  console.log(`\nReference figures (${v.instance}):`);
  for (const [name, r] of Object.entries(ref)) console.log(`  ${name}: ${Object.entries(r).map(([k, x]) => `${k} ${x}`).join(", ")}`);
}
