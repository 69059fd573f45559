import type { ConversationJudge, ConversationJudgeInput, ConversationVerdict } from "../../domain/simulated-customer.js";

/** The points of the offline score, out of 10 (docs/ARCHITECTURE.md, "Simulated customers"). */
export const RULE_POINTS = { goal: 6, efficiency: 2, clean: 2, misunderstood: -1 } as const;

/**
 * The offline judge of a whole conversation: a transparent score from what the runner measured, not a
 * simulated reaction. src/sim's SimulatedJudge draws one customer's reaction to one templated message from
 * the environment's table (segment × issue × template); a chat has no template and no table row, so that
 * model does not fit. Here: the goal met (6), few turns (2, less per turn after the first), replies that
 * keep every rule (2, less per failed turn), minus 1 per turn the bot did not understand (out_of_scope).
 */
export class RuleJudge implements ConversationJudge {
  readonly kind = "rules" as const;

  async judge({ scenario, history, goalMet, failedTurns }: ConversationJudgeInput): Promise<ConversationVerdict> {
    const turns = Math.max(1, history.length);
    const misunderstood = history.filter((x) => x.turn.intents.includes("out_of_scope")).length;
    const raw =
      (goalMet ? RULE_POINTS.goal : 0) +
      RULE_POINTS.efficiency * Math.max(0, 1 - (turns - 1) / scenario.max_turns) +
      RULE_POINTS.clean * (1 - failedTurns / turns) +
      RULE_POINTS.misunderstood * misunderstood;
    const score = Math.round(Math.min(10, Math.max(0, raw)) * 10) / 10;
    return {
      score,
      rationale: `${goalMet ? "goal met" : "goal not met"}; ${history.length} turns; ${failedTurns} failed replies; ${misunderstood} not understood`,
    };
  }
}
