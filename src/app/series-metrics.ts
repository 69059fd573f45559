import type { ExperimentRecord } from "../store/experiments.js";
import type { Kpi, KpiGroup } from "../store/interactions.js";
import type { Store } from "../store/ports.js";

/**
 * What the console's Métricas tab reads of one series: the policy arm against its uniform baseline. A series is
 * the namespace prefix both arms learn in: a console simulation's (`sim-…`, many runs) or an API experiment's id.
 */
export interface SeriesMetrics {
  series: string;
  /** One point per iteration, both arms on the same iterations. */
  iterations: Array<{ iteration: number; policy: Kpi | null; baseline: Kpi | null }>;
  by: Record<"segment" | "template" | "issue", { policy: Kpi[]; baseline: Kpi[] }>;
  /** Mean reward of the policy over the baseline's, in percent; null without baseline reward. */
  lift_pct: number | null;
  lift_last_iteration_pct: number | null;
  /** Expected reward lost against the best template per contact (the environment's oracle), summed over the series' runs. */
  cumulative_regret: { policy: number; baseline: number } | null;
}

export interface SeriesRef {
  series: string;
  runs: number;
  last_started_at: string;
  last_status: string;
}

const seriesOf = (e: ExperimentRecord) => (typeof e.params["series"] === "string" ? (e.params["series"] as string) : e.experiment_id);

/** The series of the latest experiments, newest first. */
export async function listSeries(store: Pick<Store, "experiments">, limit = 200): Promise<SeriesRef[]> {
  const out = new Map<string, SeriesRef>();
  for (const e of await store.experiments.list(limit)) {
    const s = seriesOf(e);
    const ref = out.get(s);
    if (ref) ref.runs++;
    else out.set(s, { series: s, runs: 1, last_started_at: e.started_at, last_status: e.status });
  }
  return [...out.values()];
}

const lift = (p: number | null | undefined, b: number | null | undefined) => (p == null || b == null || b <= 0 ? null : ((p - b) / b) * 100);

/** One point per iteration of both arms: what the Simulación chart shows (cheaper than seriesMetrics). */
export async function seriesIterations(store: Pick<Store, "interactions">, series: string): Promise<SeriesMetrics["iterations"]> {
  const [policy, baseline] = await Promise.all([
    store.interactions.kpis("iteration", { policy_namespace: `${series}/policy` }),
    store.interactions.kpis("iteration", { policy_namespace: `${series}/baseline` }),
  ]);
  const numbers = [...new Set([...policy, ...baseline].map((k) => Number(k.group)))].sort((a, b) => a - b);
  const at = (ks: Kpi[], i: number) => ks.find((k) => Number(k.group) === i) ?? null;
  return numbers.map((i) => ({ iteration: i, policy: at(policy, i), baseline: at(baseline, i) }));
}

export async function seriesMetrics(store: Pick<Store, "experiments" | "interactions">, series: string): Promise<SeriesMetrics> {
  const ns = { policy: `${series}/policy`, baseline: `${series}/baseline` };
  const both = async (by: KpiGroup) => ({
    policy: await store.interactions.kpis(by, { policy_namespace: ns.policy }),
    baseline: await store.interactions.kpis(by, { policy_namespace: ns.baseline }),
  });
  const iterations = await seriesIterations(store, series);
  const overall = await both("namespace");
  const last = iterations.at(-1);
  const runs = (await store.experiments.list(500)).filter((e) => seriesOf(e) === series && e.status === "done" && e.summary);
  const regret = (arm: "policy" | "baseline") =>
    runs.reduce((a, e) => a + ((e.summary![arm] as { cumulative_regret?: number } | undefined)?.cumulative_regret ?? 0), 0);
  return {
    series,
    iterations,
    by: { segment: await both("segment"), template: await both("template"), issue: await both("issue") },
    lift_pct: lift(overall.policy[0]?.mean_reward, overall.baseline[0]?.mean_reward),
    lift_last_iteration_pct: lift(last?.policy?.mean_reward, last?.baseline?.mean_reward),
    cumulative_regret: runs.length ? { policy: regret("policy"), baseline: regret("baseline") } : null,
  };
}
