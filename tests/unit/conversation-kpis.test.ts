import { describe, expect, it } from "vitest";
import { againstTargets, conversationKpis, type ConversationFacts } from "../../src/app/conversation-kpis.js";
import { ModelCallLedger } from "../../src/app/model-calls-log.js";
import { loadConversationTargets } from "../../src/store/assets.js";

const talk = (authors: string[], o: Partial<ConversationFacts> = {}): ConversationFacts => ({ lines: authors.map((author) => ({ author })), handoff: false, cost_usd: 0, ...o });

describe("the conversation graph's KPIs", () => {
  it("counts each conversation by its definition", () => {
    const k = conversationKpis([
      talk(["customer", "bot"], { cost_usd: 0.02 }), // first contact
      talk(["customer", "bot", "customer", "bot", "customer", "bot"], { cost_usd: 0.04 }), // resolved in 3
      talk(["customer", "bot", "customer"]), // left unanswered: not resolved
      talk(["customer", "bot"], { handoff: true }), // a hand-off, though the bot spoke last
      talk(["customer", "person:ana"]), // a person wrote
      talk(["bot"]), // the customer never wrote: no conversation
    ]);
    expect(k).toEqual({
      conversations: 5,
      resolution_without_person: 2 / 5,
      first_contact_resolution: 1 / 5,
      escalation_rate: 2 / 5,
      messages_to_resolve: 2,
      cost_per_conversation_usd: 0.06 / 5,
    });
  });

  it("has no rates without conversations, and no cost when one conversation's is unknown", () => {
    expect(conversationKpis([])).toMatchObject({ conversations: 0, resolution_without_person: null, escalation_rate: null, messages_to_resolve: null, cost_per_conversation_usd: null });
    expect(conversationKpis([talk(["customer", "bot"]), talk(["customer", "bot"], { cost_usd: null })]).cost_per_conversation_usd).toBeNull();
  });

  it("holds them to the targets in data/, rates at least, the rest at most", () => {
    const t = loadConversationTargets();
    expect(t).toEqual({ resolution_without_person: 0.7, first_contact_resolution: 0.4, escalation_rate_max: 0.1, messages_to_resolve_max: 3, cost_per_conversation_usd_max: 0.1 });
    const rows = againstTargets({ conversations: 10, resolution_without_person: 0.7, first_contact_resolution: 0.39, escalation_rate: 0.1, messages_to_resolve: 3.5, cost_per_conversation_usd: null }, t);
    expect(Object.fromEntries(rows.map((r) => [r.kpi, r.verdict]))).toEqual({
      resolution_without_person: "met",
      first_contact_resolution: "missed",
      escalation_rate: "met",
      messages_to_resolve: "missed",
      cost_per_conversation_usd: "no_data",
    });
  });
});

describe("the model-call ledger", () => {
  it("adds a run's calls, reads the log's model-call lines only, and an unpriced call makes the run's cost unknown", () => {
    const l = new ModelCallLedger();
    l.record({ tracking_id: "run-1", cost_usd: 0.01 });
    const log = [
      JSON.stringify({ level: 30, msg: "model call", tracking_id: "run-1", cost_usd: 0.02, agent: "sales" }),
      JSON.stringify({ level: 30, msg: "model call", tracking_id: "run-2", cost_usd: null }),
      JSON.stringify({ level: 30, msg: "request", tracking_id: "run-3", cost_usd: 5 }),
      "not json: model call",
    ].join("\n");
    expect(l.readLog(log)).toBe(2);
    expect(l.cost("run-1")).toBeCloseTo(0.03);
    expect(l.cost("run-2")).toBeNull();
    expect(l.cost("run-3")).toBeUndefined();
    l.record({ tracking_id: "run-2", cost_usd: 0.5 });
    expect(l.cost("run-2")).toBeNull();
  });

  it("forgets the least recently charged run first", () => {
    const l = new ModelCallLedger(2);
    l.record({ tracking_id: "a", cost_usd: 1 });
    l.record({ tracking_id: "b", cost_usd: 1 });
    l.record({ tracking_id: "a", cost_usd: 1 });
    l.record({ tracking_id: "c", cost_usd: 1 });
    expect(l.trackingIds().sort()).toEqual(["a", "c"]);
    expect(l.cost("a")).toBe(2);
  });
});
