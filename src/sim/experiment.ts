import { setMaxListeners } from "node:events";
import { linkedSignal } from "./linked-signal.js";
import type { Customer } from "../domain/customer.js";
import type { JudgeScore } from "../domain/judge-score.js";
import type { PolicyName } from "../policy/registry.js";
import type { Environment } from "./environment.js";
import { mapPool } from "./pool.js";
import { prioritize } from "./prioritizer.js";

/** One contact as the experiment hands it to the care graph. */
export interface ContactInput {
  customer_id: string;
  interaction_id: string;
  /** (iteration, customer): the same for the policy and the baseline, and for every experiment on these
   * customers, so the same seed gives the same draws. */
  draw_key: string;
  iteration: number;
}

export interface ContactRun {
  policy: PolicyName;
  policy_namespace: string;
  experiment_id: string;
}

/** What the experiment reads back of a finished (or paused) contact. */
export interface ContactResult {
  context_key: string;
  route: string;
  template: string | null;
  safety_verdict: string | null;
  safety_rules: string[];
  score: JudgeScore | null;
  reward: number | null;
  learned: boolean;
  escalation: string | null;
  /** Waiting for a person. */
  pending: boolean;
}

/** The care graph, seen from the experiment: injected so sim/ never imports the graph layer. */
export type RunContact = (input: ContactInput, run: ContactRun, signal?: AbortSignal) => Promise<ContactResult>;

export interface ExperimentSpec {
  experimentId: string;
  customers: readonly Customer[];
  iterations: number;
  policy: PolicyName;
  topN: number;
  concurrency: number;
  environment: Environment;
  /** The number of the first iteration run: an operator's series of single iterations goes on where it stopped. */
  firstIteration?: number;
  /** Where the arms' policy states live (`<namespace>/policy`, `<namespace>/baseline`); the experiment id by default.
   * A series shares one, so each iteration learns from the ones before. */
  namespace?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ArmIteration {
  iteration: number;
  contacts: number;
  scored: number;
  mean_reward: number;
  mean_nps: number;
  mean_engagement: number;
  mean_churn: number;
  cumulative_regret: number;
  best_pick_share: number;
}

export interface ArmReport {
  policy: PolicyName;
  namespace: string;
  iterations: ArmIteration[];
  mean_reward: number;
  cumulative_regret: number;
  best_pick_share: number;
  safety: Record<string, number>;
  safety_rules: Record<string, number>;
  escalations: Record<string, number>;
  pending_handoffs: number;
}

export interface ExperimentResult {
  experiment_id: string;
  policy: ArmReport;
  baseline: ArmReport;
  /** Mean reward of the policy over the baseline's, in percent, over all iterations and in the last. */
  lift_pct: number;
  lift_last_iteration_pct: number;
  environment: { name: string; oracle_value: number; uniform_value: number };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

function summarizeArm(policy: PolicyName, namespace: string, byIteration: ContactResult[][], env: Environment, firstIteration: number): ArmReport {
  let regret = 0;
  let picks = 0;
  let bestPicks = 0;
  const safety: Record<string, number> = {};
  const safetyRules: Record<string, number> = {};
  const escalations: Record<string, number> = {};
  let pending = 0;
  const all: ContactResult[] = [];
  const iterations = byIteration.map((results, i) => {
    let iterPicks = 0;
    let iterBest = 0;
    for (const r of results) {
      all.push(r);
      if (r.safety_verdict) inc(safety, r.safety_verdict);
      for (const rule of r.safety_rules) inc(safetyRules, rule);
      if (r.escalation) inc(escalations, r.escalation);
      if (r.pending) pending++;
      const arm = r.template === null ? -1 : env.armIndex(r.template);
      if (arm < 0) continue;
      const means = env.means(r.context_key);
      const best = Math.max(...means);
      regret += best - means[arm]!;
      iterPicks++;
      if (means[arm] === best) iterBest++;
    }
    picks += iterPicks;
    bestPicks += iterBest;
    const scored = results.filter((r) => r.score !== null);
    return {
      iteration: firstIteration + i,
      contacts: results.length,
      scored: scored.length,
      mean_reward: mean(scored.map((r) => r.reward!)),
      mean_nps: mean(scored.map((r) => r.score!.nps_expected)),
      mean_engagement: mean(scored.map((r) => r.score!.engagement_prob)),
      mean_churn: mean(scored.map((r) => r.score!.churn_prob)),
      cumulative_regret: regret,
      best_pick_share: iterPicks ? iterBest / iterPicks : 0,
    };
  });
  return {
    policy,
    namespace,
    iterations,
    mean_reward: mean(all.filter((r) => r.reward !== null).map((r) => r.reward!)),
    cumulative_regret: regret,
    best_pick_share: picks ? bestPicks / picks : 0,
    safety,
    safety_rules: safetyRules,
    escalations,
    pending_handoffs: pending,
  };
}

/**
 * Each iteration: every vocal customer through the responder path, the prioritizer's top N silent ones
 * through outreach — once under the chosen policy and once under a uniform baseline with its own state.
 */
export async function runExperiment(spec: ExperimentSpec, runContact: RunContact): Promise<ExperimentResult> {
  const vocal = spec.customers.filter((c) => c.is_vocal);
  const silent = prioritize(spec.customers, spec.topN).map((p) => p.customer);
  const cohort = [...vocal, ...silent];
  const ns = spec.namespace ?? spec.experimentId;
  const first = spec.firstIteration ?? 1;
  const arms: ContactRun[] = [
    { policy: spec.policy, policy_namespace: `${ns}/policy`, experiment_id: spec.experimentId },
    { policy: "uniform", policy_namespace: `${ns}/baseline`, experiment_id: spec.experimentId },
  ];
  // Contacts in flight (and mapPool) listen on the experiment's signal, each through its own linked signal.
  if (spec.signal) setMaxListeners(Math.max(10, spec.concurrency + 2), spec.signal);
  const total = cohort.length * arms.length * spec.iterations;
  let done = 0;
  const results: ContactResult[][][] = arms.map(() => []);
  for (let iteration = first; iteration < first + spec.iterations; iteration++) {
    const jobs = cohort.flatMap((c) => arms.map((run, armIndex) => ({ c, run, armIndex })));
    const out = await mapPool(
      jobs,
      spec.concurrency,
      async ({ c, run }) => {
        const drawKey = `${iteration}:${c.customer_id}`;
        const { signal, release } = linkedSignal(spec.signal);
        const r = await runContact(
          { customer_id: c.customer_id, interaction_id: `${run.policy_namespace}:${iteration}:${c.customer_id}`, draw_key: drawKey, iteration },
          run,
          signal,
        ).finally(release);
        spec.onProgress?.(++done, total);
        // An offline contact never waits on real I/O: without this, an experiment inside the server
        // would hold the event loop (requests, timers, cancellation) until it finished.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return r;
      },
      spec.signal,
    );
    arms.forEach((_, a) => results[a]!.push(out.filter((_, j) => jobs[j]!.armIndex === a)));
  }
  const policy = summarizeArm(spec.policy, arms[0]!.policy_namespace, results[0]!, spec.environment, first);
  const baseline = summarizeArm("uniform", arms[1]!.policy_namespace, results[1]!, spec.environment, first);
  const lift = (a: number, b: number) => (b > 0 ? ((a - b) / b) * 100 : 0);
  return {
    experiment_id: spec.experimentId,
    policy,
    baseline,
    lift_pct: lift(policy.mean_reward, baseline.mean_reward),
    lift_last_iteration_pct: lift(policy.iterations.at(-1)?.mean_reward ?? 0, baseline.iterations.at(-1)?.mean_reward ?? 0),
    environment: { name: spec.environment.name, oracle_value: spec.environment.oracleValue(), uniform_value: spec.environment.uniformValue() },
  };
}
