import { describe, expect, it } from "vitest";
import { conversationGraphDriver } from "../../src/app/eval/conversation-driver.js";
import { runSimulation } from "../../src/app/eval/simulate.js";
import { simulationParts } from "../../src/app/eval/simulation-parts.js";
import { ModelConfig } from "../../src/models/config.js";
import { loadCatalog, loadScenarios } from "../../src/store/assets.js";

// A financing goal that takes several answers, a support ticket asked for after a greeting, a hand-off.
const IDS = ["fin-versa-60-from-scratch", "sup-late-plates", "handoff-asks-person"];

describe("simulated customers against the real conversation graph, offline", () => {
  it("three scenarios meet their goals, and the report says how", async () => {
    const scenarios = loadScenarios().filter((s) => IDS.includes(s.id));
    expect(scenarios.map((s) => s.id).sort()).toEqual([...IDS].sort());
    const { customerFor, judge } = simulationParts(ModelConfig.parse({}));
    expect(judge.kind).toBe("rules");
    const { driver, close } = await conversationGraphDriver();
    const report = await runSimulation(scenarios, driver, customerFor, judge, loadCatalog(), { seed: 7 }).finally(close);
    for (const r of report.results) expect({ id: r.id, goalMet: r.goalMet, stop: r.stop, error: r.error }).toEqual({ id: r.id, goalMet: true, stop: "goal", error: undefined });
    const byId = new Map(report.results.map((r) => [r.id, r]));
    // The Versa customer had no car in mind at first: it named one when asked, picked, gave its down payment.
    expect(byId.get("fin-versa-60-from-scratch")!.turns).toBeGreaterThan(2);
    expect(byId.get("fin-versa-60-from-scratch")!.history.at(-1)!.turn.tools.map((t) => t.name)).toContain("simulate_financing");
    expect(byId.get("handoff-asks-person")!.handedOff).toBe(true);
    expect(report.totals).toMatchObject({ scenarios: 3, goalRate: 1, handoffRate: 1 / 3 });
    expect(report.totals.meanScore).toBeGreaterThan(8);
  }, 120_000);
});
