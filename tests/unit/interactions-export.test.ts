import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, interactionsCsv } from "../../src/app/interactions-export.js";
import type { Interaction } from "../../src/domain/interaction.js";
import type { InteractionFilter } from "../../src/store/interactions.js";
import { parseCsv } from "../../src/store/csv.js";

const row = (id: string, over: Partial<Interaction> = {}): Interaction => ({
  interaction_id: id,
  thread_id: null,
  experiment_id: "e",
  iteration: 1,
  policy_namespace: "e/policy",
  policy: "thompson",
  customer_id: "c",
  segment: "VE",
  issue_bucket: "mecanica",
  context_key: "VE/mecanica",
  mode: "responder",
  route: "vocal",
  template: "escalar",
  propensity: 0.25,
  message: "Hola",
  message_source: "policy",
  safety_verdict: "ok",
  safety_rules: [],
  escalation_reason: null,
  human_action: null,
  score: { nps_expected: 7, engagement_prob: 0.5, churn_prob: 0.2, aspect_sentiment: { finanzas: 0, mecanica: 0, logistica: 0, atencion: 0 }, rationale: "ok" },
  reward: -0.25,
  status: "scored",
  learned: true,
  request_id: null,
  features: null,
  ...over,
});

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let s = "";
  for await (const chunk of gen) s += chunk;
  return s;
}

describe("the interaction log's CSV export", () => {
  it("writes text a spreadsheet would run as a formula after a ', keeps numbers, and quotes commas, quotes and newlines", async () => {
    const evil = [row("a", { message: '=HYPERLINK("http://x","clic")' }), row("b", { message: "+52 55 1234", score: { ...row("b").score!, rationale: "@SUM(A1)" } }), row("c", { message: "-cmd|' /C calc'!A0" }), row("d", { message: 'dijo "hola",\nadiós' })];
    const csv = await collect(interactionsCsv({ list: async (f?: InteractionFilter) => evil.slice(f!.offset, f!.offset! + f!.limit!) }, {}, 10));
    const col = (name: string) => EXPORT_COLUMNS.indexOf(name as never);
    const raw = csv.split("\n");
    expect(raw[0]).toBe(EXPORT_COLUMNS.join(","));
    expect(raw[1]).toContain(`"'=HYPERLINK(""http://x"",""clic"")"`);
    expect(raw[2]).toContain(",'+52 55 1234,");
    expect(raw[2]).toContain(",'@SUM(A1)");
    expect(raw[3]).toContain(",'-cmd|' /C calc'!A0,");
    // A negative reward is a number, not a formula.
    expect(raw[1]!.split(",")[col("reward")]).toBe("-0.25");
    // Read back, the cells are the text as written.
    const [, ...rows] = parseCsv(csv);
    expect(rows.map((r) => r[col("message")])).toEqual(evil.map((i) => i.message));
    expect(rows[1]![col("rationale")]).toBe("@SUM(A1)");
  });

  it("reads the log a page at a time, with the filter, until a short page", async () => {
    const asked: InteractionFilter[] = [];
    const all = Array.from({ length: 5 }, (_, i) => row(`r${i}`));
    const csv = await collect(interactionsCsv({ list: async (f?: InteractionFilter) => (asked.push(f!), all.slice(f!.offset, f!.offset! + f!.limit!)) }, { segment: "VE" }, 2));
    expect(asked.map((f) => [f.segment, f.offset, f.limit])).toEqual([["VE", 0, 2], ["VE", 2, 2], ["VE", 4, 2]]);
    expect(parseCsv(csv)).toHaveLength(6);
  });
});
