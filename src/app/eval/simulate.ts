import { randomUUID } from "node:crypto";
import { GoldenTurn } from "../../domain/golden.js";
import type { ConversationJudge, Exchange, Scenario, ScenarioCategory, SimulatedCustomer } from "../../domain/simulated-customer.js";
import type { ListedCar } from "../../sim/scripted-customer.js";
import { checkTurn, DriverTurn, KnownAmounts, type Driver } from "./check.js";
import { goalMet } from "./scenario-goal.js";

export type StopReason = "goal" | "handoff" | "turn_limit" | "gave_up" | "error";

export interface SimulationResult {
  id: string;
  category: ScenarioCategory;
  goalMet: boolean;
  turns: number;
  handedOff: boolean;
  stop: StopReason;
  /** The judge's 0–10; null when the judge failed (`error` says why). */
  score: number | null;
  rationale: string;
  error?: string;
  history: Exchange[];
}

export interface SimulationTotals {
  scenarios: number;
  goalRate: number;
  meanTurns: number;
  handoffRate: number;
  /** Over the conversations the judge scored; null when it scored none. */
  meanScore: number | null;
}

export interface SimulationReport {
  judge: ConversationJudge["kind"];
  results: SimulationResult[];
  totals: SimulationTotals;
}

/** Turns that break a rule every reply keeps: the golden checker with no expectation of its own. */
const anyTurn = (escalated: boolean) => GoldenTurn.parse({ user: "", escalation: escalated });

/**
 * One open-ended conversation: the customer speaks, the bot answers, until the goal is met, the bot hands the
 * conversation to a person, the turn limit, or the customer gives up; then the judge scores the whole of it.
 */
export async function runScenario(
  driver: Driver,
  scenario: Scenario,
  customer: SimulatedCustomer,
  judge: ConversationJudge,
  catalog: readonly ListedCar[],
  threadId: string,
): Promise<SimulationResult> {
  const history: Exchange[] = [];
  const known = new KnownAmounts();
  let failedTurns = 0;
  let stop: StopReason;
  let error: string | undefined;
  for (;;) {
    if (goalMet(scenario.goal.success, history, catalog)) stop = "goal";
    else if (history.at(-1)?.handedOff) stop = "handoff";
    else if (history.length >= scenario.max_turns) stop = "turn_limit";
    else {
      const message = await customer.next(history);
      if (message === null) stop = "gave_up";
      else {
        try {
          const got = DriverTurn.parse(await driver(threadId, message));
          known.addCustomer(message);
          known.addTurn(got.turn);
          const handedOff = got.interrupted || (got.turn.escalation !== undefined && got.turn.escalation !== null);
          if (checkTurn(anyTurn(handedOff), got, known).length > 0) failedTurns++;
          history.push({ customer: message, reply: got.reply, turn: { intents: got.turn.intents, tools: got.turn.tools }, handedOff });
          continue;
        } catch (e) {
          (stop = "error"), (error = `the driver failed: ${(e as Error).message}`);
        }
      }
    }
    break;
  }
  const met = stop === "goal";
  const handedOff = history.some((x) => x.handedOff);
  let verdict: { score: number | null; rationale: string };
  try {
    verdict = await judge.judge({ scenario, history, goalMet: met, failedTurns });
  } catch (e) {
    verdict = { score: null, rationale: "" };
    error ??= `the judge failed: ${(e as Error).message}`;
  }
  return { id: scenario.id, category: scenario.category, goalMet: met, turns: history.length, handedOff, stop, ...verdict, error, history };
}

export interface SimulationOptions {
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

/** Every scenario once, each on a thread of its own, with a customer made for it. */
export async function runSimulation(
  scenarios: readonly Scenario[],
  driver: Driver,
  customerFor: (scenario: Scenario, seed: number) => SimulatedCustomer,
  judge: ConversationJudge,
  catalog: readonly ListedCar[],
  options: SimulationOptions,
): Promise<SimulationReport> {
  const tag = randomUUID().slice(0, 8);
  const results: SimulationResult[] = [];
  for (const s of scenarios) {
    results.push(await runScenario(driver, s, customerFor(s, options.seed), judge, catalog, `simulate-${tag}-${s.id}`));
    options.onProgress?.(results.length, scenarios.length);
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const scored = results.flatMap((r) => (r.score === null ? [] : [r.score]));
  return {
    judge: judge.kind,
    results,
    totals: {
      scenarios: results.length,
      goalRate: mean(results.map((r) => (r.goalMet ? 1 : 0))),
      meanTurns: mean(results.map((r) => r.turns)),
      handoffRate: mean(results.map((r) => (r.handedOff ? 1 : 0))),
      meanScore: scored.length === 0 ? null : mean(scored),
    },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatSimulationReport(r: SimulationReport): string {
  const head = ["scenario".padEnd(28), "category".padEnd(13), "goal".padEnd(4), "turns".padStart(5), "handoff".padStart(7), "stop".padEnd(10), "score".padStart(5)].join(" ");
  const rows = r.results.map((x) =>
    [
      x.id.padEnd(28),
      x.category.padEnd(13),
      (x.goalMet ? "yes" : "no").padEnd(4),
      String(x.turns).padStart(5),
      (x.handedOff ? "yes" : "no").padStart(7),
      x.stop.padEnd(10),
      (x.score === null ? "-" : x.score.toFixed(1)).padStart(5),
    ].join(" "),
  );
  const t = r.totals;
  const lines = [head, ...rows, "", `${t.scenarios} scenarios, judge ${r.judge}: goal rate ${pct(t.goalRate)}, mean turns ${t.meanTurns.toFixed(1)}, hand-off rate ${pct(t.handoffRate)}, mean score ${t.meanScore === null ? "-" : `${t.meanScore.toFixed(1)}/10`}`];
  const troubled = r.results.filter((x) => !x.goalMet || x.error);
  if (troubled.length > 0) {
    lines.push("", "Not met:");
    for (const x of troubled) {
      lines.push(`  ${x.id}: ${x.error ?? `stopped on ${x.stop}`}${x.rationale ? ` (${x.rationale})` : ""}`);
      for (const e of x.history) lines.push(`      > ${e.customer}`, `      < ${e.reply.replace(/\s+/g, " ").slice(0, 160)}`);
    }
  }
  return lines.join("\n");
}
