import { expect, it, vi } from "vitest";
import type { Interaction } from "../../src/domain/interaction.js";
import { contract } from "./backends.js";
import { interaction } from "./fixtures.js";

contract("InteractionStore", (store) => {
  it("round-trips an interaction: score, rules, features and flags as written", async () => {
    const i = interaction("rt-1", { safety_rules: ["blame", "sla_missing"] });
    await store().interactions.upsert(i);
    expect(await store().interactions.get("rt-1")).toEqual({ ...i, created_at: expect.stringMatching(/^\d{4}-.*\.\d{3}Z$/) });
    const bare = interaction("rt-2", { score: null, reward: null, status: "unscored", learned: false, features: null, template: null, mode: null, propensity: null });
    await store().interactions.upsert(bare);
    expect(await store().interactions.get("rt-2")).toMatchObject({ ...bare });
    expect(await store().interactions.get("no-such")).toBeUndefined();
  });

  it("refuses an interaction that fails its schema, writing nothing", async () => {
    await expect(store().interactions.upsert({ ...interaction("bad-1"), segment: "XX" } as unknown as Interaction)).rejects.toThrow(/segment/);
    expect(await store().interactions.get("bad-1")).toBeUndefined();
  });

  it("an upsert replayed rewrites the same row", async () => {
    await store().interactions.upsert(interaction("replay-1", { reward: 0.1 }));
    const first = (await store().interactions.get("replay-1"))!;
    await store().interactions.upsert(interaction("replay-1", { reward: 0.9, learned: false }));
    expect(await store().interactions.get("replay-1")).toMatchObject({ reward: 0.9, learned: false, created_at: first.created_at });
    expect((await store().interactions.list({ policy_namespace: "main" })).filter((x) => x.interaction_id === "replay-1")).toHaveLength(1);
  });

  it("records what a person did on a logged interaction", async () => {
    await store().interactions.upsert(interaction("human-1"));
    await store().interactions.recordHumanAction("human-1", "edit", "Texto de Ana", "human");
    expect(await store().interactions.get("human-1")).toMatchObject({ human_action: "edit", message: "Texto de Ana", message_source: "human" });
  });

  it("lists by filter in time order, pages with or without a limit", async () => {
    const s = store().interactions;
    for (const [n, segment] of [["1", "VF"], ["2", "NVE"], ["3", "VF"], ["4", "VF"]] as const)
      await s.upsert(interaction(`list-${n}`, { experiment_id: "list-exp", segment, context_key: `${segment}|mecanica` }));
    const ids = async (f: Parameters<typeof s.list>[0]) => (await s.list({ experiment_id: "list-exp", ...f })).map((x) => x.interaction_id);
    expect(await ids({})).toEqual(["list-1", "list-2", "list-3", "list-4"]);
    expect(await ids({ segment: "VF" })).toEqual(["list-1", "list-3", "list-4"]);
    expect(await ids({ segment: "VF", limit: 2 })).toEqual(["list-1", "list-3"]);
    expect(await ids({ segment: "VF", offset: 1 })).toEqual(["list-3", "list-4"]);
    expect(await ids({ limit: 1, offset: 2 })).toEqual(["list-3"]);
    expect(await ids({ since: "2999-01-01T00:00:00.000Z" })).toEqual([]);
    expect(await ids({ template: "cupon" })).toEqual([]);
    await s.upsert(interaction("list-5", { experiment_id: "list-exp", route: "silent", customer_id: "c-five" }));
    expect(await ids({ route: "silent" })).toEqual(["list-5"]);
    expect(await ids({ customer_id: "c-five" })).toEqual(["list-5"]);
    await s.upsert(interaction("list-6", { experiment_id: "list-exp", safety_verdict: "severe" }));
    expect(await ids({ safety_verdict: "severe" })).toEqual(["list-6"]);
    expect(await ids({ segment: "VF", newest_first: true, limit: 2 })).toEqual(["list-4", "list-3"]);
  });

  it("sums KPIs per group, the null group first", async () => {
    const s = store().interactions;
    const f = { experiment_id: "kpi-exp" };
    await s.upsert(interaction("kpi-1", { ...f, iteration: 1, reward: 0.2, score: { ...interaction("x").score!, nps_expected: 4 } }));
    await s.upsert(interaction("kpi-2", { ...f, iteration: 1, reward: 0.6, message_source: "fallback", learned: false }));
    await s.upsert(interaction("kpi-3", { ...f, iteration: 2, reward: null, score: null, status: "human", escalation_reason: "legal", learned: false }));
    await s.upsert(interaction("kpi-4", { ...f, iteration: null, reward: 1 }));
    const kpis = await s.kpis("iteration", f);
    expect(kpis.map((k) => k.group)).toEqual([null, 1, 2]);
    expect(kpis[1]).toEqual({ group: 1, contacts: 2, scored: 2, mean_reward: expect.closeTo(0.4, 9), mean_nps: expect.closeTo(6.25, 9), mean_engagement: expect.closeTo(0.7, 9), mean_churn: expect.closeTo(0.1, 9), fallbacks: 1, escalations: 0, learned: 1 });
    expect(kpis[2]).toMatchObject({ group: 2, contacts: 1, scored: 0, mean_reward: null, mean_nps: null, fallbacks: 0, escalations: 1, learned: 0 });
    expect((await s.kpis("template", f)).map((k) => [k.group, k.contacts])).toEqual([["empatiko", 4]]);
    expect(await s.kpis("segment", { ...f, since: "2999-01-01T00:00:00.000Z" })).toEqual([]);
  });
});

contract("InteractionStore.lastOutreach", (store) => {
  it("is the customer's last contact we started: not an experiment's, not one that said nothing, not one answering a message", async () => {
    const s = store();
    const who = { customer_id: "out-1" };
    expect(await s.interactions.lastOutreach("out-1")).toBeUndefined();
    await s.interactions.upsert(interaction("out-a", { ...who, route: "silent", thread_id: "t-out-a" }));
    const outreach = (await s.interactions.get("out-a"))!.created_at!;
    expect((await s.interactions.lastOutreach("out-1"))!.toISOString()).toBe(outreach);
    // Later contacts that are no outreach leave it the last one (later by the clock: the order is the test).
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(outreach) + 1), { interval: 1 });
    await s.inbound.claim("SM-out-b", "out-1", "t-out-b", "hola");
    await s.interactions.upsert(interaction("out-b", { ...who, thread_id: "t-out-b" }));
    await s.interactions.upsert(interaction("out-c", { ...who, thread_id: "t-out-c", experiment_id: "exp-out" }));
    await s.interactions.upsert(interaction("out-d", { ...who, thread_id: "t-out-d", message: null, route: "severe" }));
    expect((await s.interactions.lastOutreach("out-1"))!.toISOString()).toBe(outreach);
    expect(await s.interactions.lastOutreach("out-2")).toBeUndefined();
  });
});
