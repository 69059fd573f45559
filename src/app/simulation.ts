import { z } from "zod";
import type { Customer } from "../domain/customer.js";
import type { EnvironmentSpec } from "../domain/environment.js";
import { SEGMENTS, type Segment } from "../domain/segment.js";
import { PolicyName } from "../policy/registry.js";
import { forgeCustomers } from "../sim/persona-forge.js";
import { prioritize, type Prioritized } from "../sim/prioritizer.js";
import { loadPersonaCorpus, type PersonaCorpus } from "../store/assets.js";
import type { CareRuntime } from "./care-runtime.js";
import { experimentOnGraph, type ExperimentSummary } from "./experiment.js";

/**
 * The operator's simulation (the console's Simulación tab): a dataset of PersonaForge customers, then runs of one
 * or more iterations over it, each going on where the last stopped, in one pair of policy namespaces (the
 * "series"), so the policy learns across runs and the metrics read as one experiment.
 */
export const DatasetParams = z
  .object({
    customers: z.coerce.number().int().min(1).max(20_000).default(200),
    share_angry: z.coerce.number().min(0).max(1).default(0.5),
    share_vocal: z.coerce.number().min(0).max(1).default(0.5),
    seed: z.coerce.number().int().min(0).max(1_000_000).default(7),
  })
  .strict();
export type DatasetParams = z.infer<typeof DatasetParams>;

export const SeriesParams = DatasetParams.extend({
  policy: PolicyName.default("thompson"),
  top_n: z.coerce.number().int().min(0).max(20_000).default(30),
}).strict();
export type SeriesParams = z.infer<typeof SeriesParams>;

/** The dataset is asked for before it was generated. */
export class DatasetMissingError extends Error {
  override readonly name = "DatasetMissingError";
}

const pct = (x: number) => Math.round(x * 100);
/** Names the dataset by what makes it: the same sliders give the same customers, under the same ids. */
export const datasetId = (p: DatasetParams) => `d${p.seed}n${p.customers}a${pct(p.share_angry)}v${pct(p.share_vocal)}`;
/** The policy namespaces' prefix: one series per dataset and policy. */
export const seriesId = (p: SeriesParams) => `sim-${datasetId(p)}-${p.policy}`;

/** Read once: every generation, series start and outreach ranking forges from it. */
let corpus: PersonaCorpus | undefined;

export function datasetCustomers(p: DatasetParams): Customer[] {
  corpus ??= loadPersonaCorpus();
  return forgeCustomers({ n: p.customers, seed: p.seed, share_angry: p.share_angry, share_vocal: p.share_vocal, id_prefix: `${datasetId(p)}-` }, corpus);
}

/** Writes the dataset (again: the same ids are rewritten with the same records). */
export async function generateDataset(rt: CareRuntime, p: DatasetParams): Promise<{ dataset: string; created: number; by_segment: Record<Segment, number> }> {
  const customers = datasetCustomers(p);
  await rt.store.customers.upsertMany(customers);
  const by = Object.fromEntries(SEGMENTS.map((s) => [s, customers.filter((c) => c.segment === s).length])) as Record<Segment, number>;
  return { dataset: datasetId(p), created: customers.length, by_segment: by };
}

/** The dataset's customers, once it has been generated (its first customer is in the store). */
export async function requireDataset(rt: CareRuntime, p: DatasetParams): Promise<Customer[]> {
  const customers = datasetCustomers(p);
  if (!(await rt.store.customers.get(customers[0]!.customer_id))) throw new DatasetMissingError(`dataset ${datasetId(p)} was not generated`);
  return customers;
}

/** The silent customers an iteration reaches out to, best first, with their priority score. */
export function outreachRanking(p: SeriesParams): Prioritized[] {
  return prioritize(datasetCustomers(p), p.top_n);
}

/** The iteration the series' next run starts with: one after the last the policy arm logged. */
export async function nextIteration(rt: CareRuntime, series: string): Promise<number> {
  const done = await rt.store.interactions.kpis("iteration", { policy_namespace: `${series}/policy` });
  return done.reduce((m, k) => Math.max(m, Number(k.group ?? 0)), 0) + 1;
}

/** `iterations` more iterations of the series on the graph, recorded as one experiment. */
export async function runSeries(
  rt: CareRuntime,
  p: SeriesParams,
  environment: EnvironmentSpec,
  o: {
    experimentId: string;
    iterations: number;
    firstIteration: number;
    /** The dataset, when the caller has checked it already (requireDataset). */
    customers?: Customer[];
    concurrency?: number;
    onProgress?: (done: number, total: number) => void;
    signal?: AbortSignal;
  },
): Promise<ExperimentSummary> {
  const customers = o.customers ?? (await requireDataset(rt, p));
  const series = seriesId(p);
  return experimentOnGraph(rt, {
    experimentId: o.experimentId,
    customers,
    iterations: o.iterations,
    firstIteration: o.firstIteration,
    namespace: series,
    policy: p.policy,
    topN: p.top_n,
    concurrency: o.concurrency ?? 8,
    environment,
    params: { ...p, series, first_iteration: o.firstIteration, iterations: o.iterations, environment: environment.name },
    onProgress: o.onProgress,
    signal: o.signal,
  });
}
