import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { recentConversationKpis } from "../../src/app/conversation-kpis.js";
import { ExperimentJobs, SeriesBusyError } from "../../src/app/experiment-jobs.js";
import { ModelCallLedger } from "../../src/app/model-calls-log.js";
import { listSeries, seriesMetrics } from "../../src/app/series-metrics.js";
import { DatasetMissingError, SeriesParams, generateDataset, outreachRanking, seriesId } from "../../src/app/simulation.js";
import { testRuntime } from "../helpers/runtime.js";

describe("the console's simulation: a dataset, then iterations that go on where the last stopped", () => {
  let rt: CareRuntime;
  let jobs: ExperimentJobs;
  const errors: unknown[] = [];
  const p = SeriesParams.parse({ customers: 24, seed: 5, top_n: 4 });
  const finished = async (id: string) => {
    // The job's record is written before it leaves the running set.
    await expect.poll(async () => jobs.progress(id) === undefined && (await rt.store.experiments.get(id))?.status, { timeout: 30_000, interval: 20 }).toBe("done");
  };

  beforeAll(async () => {
    rt = await testRuntime({ seed: 3, customers: [] });
    jobs = new ExperimentJobs(rt, rt.environment, (_id, e) => errors.push(e));
  });
  afterAll(() => rt.close());

  it("refuses to iterate before the dataset is generated", async () => {
    await expect(jobs.startSeries(p, 1)).rejects.toBeInstanceOf(DatasetMissingError);
  });

  it("generates the same customers for the same sliders", async () => {
    const a = await generateDataset(rt, p);
    expect(a).toEqual({ dataset: "d5n24a50v50", created: 24, by_segment: { VF: 6, VE: 6, NVF: 6, NVE: 6 } });
    expect(await generateDataset(rt, p)).toEqual(a);
    expect(await rt.store.customers.count()).toBe(24);
  });

  it("runs one iteration with progress to the end, then the next is iteration 2 in the same namespaces", async () => {
    const seen: Array<{ done: number; total: number }> = [];
    const first = await jobs.startSeries(p, 1);
    expect(first.firstIteration).toBe(1);
    await expect(jobs.startSeries(p, 1)).rejects.toBeInstanceOf(SeriesBusyError);
    expect(jobs.runningSeries(seriesId(p))).toBe(first.id);
    await expect
      .poll(() => {
        const pr = jobs.progress(first.id);
        if (pr) seen.push(pr);
        return pr === undefined;
      }, { timeout: 30_000, interval: 1 })
      .toBe(true);
    await finished(first.id);
    expect(jobs.runningSeries(seriesId(p))).toBeUndefined();
    // 12 vocal and the top 4 silent customers, under the policy and the baseline; done only grows.
    const counted = seen.filter((x) => x.total > 0);
    expect(counted.length).toBeGreaterThan(0);
    expect(new Set(counted.map((x) => x.total))).toEqual(new Set([32]));
    expect(counted.every((x, i) => x.done <= 32 && (i === 0 || x.done >= counted[i - 1]!.done))).toBe(true);
    const second = await jobs.startSeries(p, 2);
    expect(second.firstIteration).toBe(2);
    await finished(second.id);
    expect(errors).toEqual([]);

    const m = await seriesMetrics(rt.store, seriesId(p));
    // Each iteration logs the same cohort under both arms (a severe contact waits for a person, unlogged).
    const logged1 = m.iterations[0]!.policy!.contacts;
    expect(logged1).toBeGreaterThanOrEqual(12);
    expect(m.iterations.map((i) => [i.iteration, i.policy?.contacts, i.baseline?.contacts])).toEqual([1, 2, 3].map((i) => [i, logged1, logged1]));
    expect(m.lift_pct).not.toBeNull();
    expect(m.cumulative_regret!.policy).toBeGreaterThanOrEqual(0);
    expect(m.by.segment.policy.map((k) => k.group)).toEqual(["NVE", "NVF", "VE", "VF"]);
    expect(await listSeries(rt.store)).toEqual([expect.objectContaining({ series: seriesId(p), runs: 2, last_status: "done" })]);
    // The outreach ranking is the prioritizer's top N of the dataset's silent customers.
    const ranking = outreachRanking(p);
    expect(ranking).toHaveLength(4);
    expect(ranking.every((r) => !r.customer.is_vocal && r.customer.customer_id.startsWith("d5n24a50v50-"))).toBe(true);
    const logged = await rt.store.interactions.list({ policy_namespace: `${seriesId(p)}/policy` });
    expect(new Set(logged.filter((i) => i.route === "silent").map((i) => i.customer_id))).toEqual(new Set(ranking.map((r) => r.customer.customer_id)));
  });
});

describe("the conversation KPIs from the store", () => {
  let rt: CareRuntime;
  beforeAll(async () => {
    rt = await testRuntime({ seed: 3, customers: [] });
  });
  afterAll(() => rt.close());

  it("reads the latest threads, their hand-offs and their runs' spend", async () => {
    const line = (thread: string, author: string) => ({ thread_id: thread, customer_id: null, channel: "web" as const, author, text: "…" });
    await rt.store.transcript.append([
      { key: "a1", line: line("th-a", "customer") },
      { key: "a2", line: line("th-a", "bot") },
      { key: "b1", line: line("th-b", "customer") },
      { key: "b2", line: line("th-b", "bot") },
    ]);
    await rt.store.handoffs.open({ interaction_id: "h-b", thread_id: "th-b", customer_id: "visitor:th-b", reason: "asked_for_person", priority: 5, draft: null, experiment_id: null });
    const ledger = new ModelCallLedger();
    ledger.record({ tracking_id: "th-a", cost_usd: 0.08 });
    const k = await recentConversationKpis(rt.store, ledger);
    expect(k).toEqual({ conversations: 2, resolution_without_person: 0.5, first_contact_resolution: 0.5, escalation_rate: 0.5, messages_to_resolve: 1, cost_per_conversation_usd: 0.04 });
    expect((await recentConversationKpis(rt.store, undefined)).cost_per_conversation_usd).toBeNull();
  });
});
