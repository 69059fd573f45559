import { Annotation } from "@langchain/langgraph";
import type { DecisionContext } from "../domain/context.js";
import type { HumanAction, InteractionStatus, MessageSource, Route } from "../domain/interaction.js";
import type { JudgeScore } from "../domain/judge-score.js";
import type { Mode, TemplateId } from "../domain/template.js";

export interface Decision {
  template: TemplateId;
  arm: number;
  propensity: number;
  policy: string;
  namespace: string;
}

export interface Draft {
  text: string;
  source: MessageSource;
  /** The writer failed and the filled template went out instead. */
  writer_fallback?: boolean;
}

export interface SafetyVerdict {
  verdict: "ok" | "fixable" | "severe";
  rules: string[];
}

export interface Escalation {
  reason: "legal_threat" | "safety_risk" | "priority" | "safety_violation" | "churn_risk";
  detail: string;
}

export interface Review {
  action: HumanAction;
  /** What the customer gets after the person acted; null when they chose to send nothing. */
  message: string | null;
}

export interface Outcome {
  status: InteractionStatus;
  reward: number | null;
  learned: boolean;
}

/**
 * Control state of one customer contact. Transcripts and analytics go to our own tables
 * (interactions, handoffs); the checkpoint keeps what the next node needs.
 */
export const CareState = Annotation.Root({
  // Input
  customer_id: Annotation<string>,
  /** The customer's message in this contact; defaults to the record's first_message. */
  message: Annotation<string | undefined>,
  /** 0–10 from the caller (CRM, gateway); at or above the threshold a person takes it. */
  priority: Annotation<number | undefined>,
  /** Defaults to the thread id. One id, one policy update. */
  interaction_id: Annotation<string | undefined>,
  /** Names the simulated customer's random draws; defaults to the interaction id. */
  draw_key: Annotation<string | undefined>,
  iteration: Annotation<number | undefined>,

  // Control
  route: Annotation<Route | undefined>,
  mode: Annotation<Mode | undefined>,
  context: Annotation<DecisionContext | undefined>,
  decision: Annotation<Decision | undefined>,
  draft: Annotation<Draft | undefined>,
  safety_verdict: Annotation<SafetyVerdict | undefined>,
  score: Annotation<JudgeScore | null | undefined>,
  judge_error: Annotation<string | undefined>,
  escalation: Annotation<Escalation | undefined>,
  review: Annotation<Review | undefined>,
  outcome: Annotation<Outcome | undefined>,
});
export type CareStateType = typeof CareState.State;
export type CareUpdate = typeof CareState.Update;
