import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentSpec } from "../domain/environment.js";
import { redactPii } from "../domain/pii.js";
import { TEMPLATE_IDS } from "../domain/template.js";
import { z } from "zod";
import { PolicyName } from "../policy/registry.js";
import { forgeCustomers } from "../sim/persona-forge.js";
import { loadPersonaCorpus } from "../store/assets.js";
import { Environment } from "../sim/environment.js";
import { runExperiment, type ExperimentResult, type ExperimentSpec } from "../sim/experiment.js";
import { recommendations, type CohortRecommendation } from "../sim/recommendations.js";
import { toCsv } from "../store/csv.js";
import { EXPORT_COLUMNS, exportRow } from "./interactions-export.js";
import { contactRunner, type CareRuntime, type Durability } from "./care-runtime.js";

/** The runner's spec, with the environment as its file states it and what to record of the request. */
export type ExperimentRequest = Omit<ExperimentSpec, "environment"> & {
  environment: EnvironmentSpec;
  params: Record<string, unknown>;
  durability?: Durability;
};

export type ExperimentSummary = ExperimentResult & {
  params: Record<string, unknown>;
  recommendations: CohortRecommendation[];
  baseline_recommendations: CohortRecommendation[];
  started_at: string;
  finished_at: string;
};

/** Runs an experiment on the graph and records it in the experiments table. */
export async function experimentOnGraph(rt: CareRuntime, req: ExperimentRequest): Promise<ExperimentSummary> {
  const started = new Date().toISOString();
  await rt.store.experiments.create(req.experimentId, req.params);
  try {
    await rt.store.customers.upsertMany(req.customers);
    const result = await runExperiment({ ...req, environment: new Environment(req.environment) }, contactRunner(rt, req.durability));
    const estimates = async (ns: string, p: PolicyName) => (await rt.deps.policies.get(ns, p)).estimates();
    const summary: ExperimentSummary = {
      ...result,
      params: req.params,
      recommendations: recommendations(await estimates(result.policy.namespace, req.policy), TEMPLATE_IDS),
      baseline_recommendations: recommendations(await estimates(result.baseline.namespace, "uniform"), TEMPLATE_IDS),
      started_at: started,
      finished_at: new Date().toISOString(),
    };
    await rt.store.experiments.finish(req.experimentId, "done", summary as unknown as Record<string, unknown>);
    return summary;
  } catch (e) {
    await rt.store.experiments.finish(req.experimentId, req.signal?.aborted ? "cancelled" : "failed", { error: redactPii(String(e)) });
    throw e;
  }
}

/** What an experiment is asked for, from the CLI's flags or the API's body alike. */
export const ExperimentParams = z
  .object({
    customers: z.coerce.number().int().min(1).max(1_000_000).default(200),
    iterations: z.coerce.number().int().min(1).max(1000).default(5),
    policy: PolicyName.default("thompson"),
    seed: z.coerce.number().int().default(7),
    top_n: z.coerce.number().int().min(0).max(1_000_000).default(30),
    concurrency: z.coerce.number().int().min(1).max(256).default(8),
    share_angry: z.coerce.number().min(0).max(1).default(0.5),
    share_vocal: z.coerce.number().min(0).max(1).default(0.5),
  })
  .strict();
export type ExperimentParams = z.infer<typeof ExperimentParams>;

/** When and a little randomness, for a run's id: `20261208-004512-1a2b`. */
export const runStamp = () => `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")}-${randomUUID().slice(0, 4)}`;

export function newExperimentId(p: ExperimentParams): string {
  const [day, time, rand] = runStamp().split("-");
  return `exp-${day}-${time}-${p.policy}-s${p.seed}-${rand}`;
}

/** PersonaForge customers for the parameters, then the experiment on the graph. */
export function experimentFromParams(
  rt: CareRuntime,
  p: ExperimentParams,
  environment: EnvironmentSpec,
  o: { experimentId?: string; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<ExperimentSummary> {
  const customers = forgeCustomers(
    { n: p.customers, seed: p.seed, share_angry: p.share_angry, share_vocal: p.share_vocal, id_prefix: `s${p.seed}n${p.customers}-` },
    loadPersonaCorpus(),
  );
  return experimentOnGraph(rt, {
    experimentId: o.experimentId ?? newExperimentId(p),
    customers,
    iterations: p.iterations,
    policy: p.policy,
    topN: p.top_n,
    concurrency: p.concurrency,
    environment,
    params: { ...p, environment: environment.name },
    onProgress: o.onProgress,
    signal: o.signal,
  });
}

/** summary.json and interactions.csv (both arms) in `dir`. */
export async function writeExperimentFiles(rt: CareRuntime, summary: ExperimentSummary, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const rows = (await rt.store.interactions.list({ experiment_id: summary.experiment_id })).map(exportRow);
  const files = [join(dir, "summary.json"), join(dir, "interactions.csv")];
  writeFileSync(files[0]!, JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(files[1]!, toCsv(EXPORT_COLUMNS, rows));
  return files;
}

const f3 = (x: number) => x.toFixed(3);
const pad = (s: string | number, n: number) => String(s).padStart(n);

export function formatSummary(s: ExperimentSummary): string {
  const lines: string[] = [];
  lines.push(`Experiment ${s.experiment_id} — ${s.policy.policy} vs uniform baseline on ${s.environment.name}`);
  lines.push(`  oracle value ${f3(s.environment.oracle_value)} · uniform value ${f3(s.environment.uniform_value)} (P(good reaction) per contact)`);
  lines.push("");
  lines.push(" iter │ policy: reward   NPS  engage  churn  regret best% │ baseline: reward   NPS  engage  churn  regret");
  s.policy.iterations.forEach((p, i) => {
    const b = s.baseline.iterations[i]!;
    lines.push(
      `${pad(p.iteration, 5)} │ ${pad(f3(p.mean_reward), 14)} ${pad(p.mean_nps.toFixed(2), 5)} ${pad(f3(p.mean_engagement), 7)} ${pad(f3(p.mean_churn), 6)} ${pad(p.cumulative_regret.toFixed(1), 7)} ${pad(Math.round(p.best_pick_share * 100), 4)}% │ ${pad(f3(b.mean_reward), 16)} ${pad(b.mean_nps.toFixed(2), 5)} ${pad(f3(b.mean_engagement), 7)} ${pad(f3(b.mean_churn), 6)} ${pad(b.cumulative_regret.toFixed(1), 7)}`,
    );
  });
  lines.push("");
  lines.push(`Lift over uniform: ${s.lift_pct.toFixed(1)}% overall, ${s.lift_last_iteration_pct.toFixed(1)}% in the last iteration`);
  lines.push(`Cumulative regret vs oracle: ${s.policy.cumulative_regret.toFixed(1)} (policy) · ${s.baseline.cumulative_regret.toFixed(1)} (uniform)`);
  lines.push(`Best-template picks: ${(s.policy.best_pick_share * 100).toFixed(1)}% (policy) · ${(s.baseline.best_pick_share * 100).toFixed(1)}% (uniform)`);
  lines.push("");
  lines.push("Best template per cohort (policy's estimate, pulls):");
  for (const r of s.recommendations) lines.push(`  ${r.text}`);
  lines.push("");
  const kv = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  lines.push(`Safety (policy arm): ${kv(s.policy.safety)}; rules hit: ${kv(s.policy.safety_rules)}`);
  lines.push(`Escalations (policy arm): ${kv(s.policy.escalations)}; waiting for a person: ${s.policy.pending_handoffs}`);
  return lines.join("\n");
}
