import { Annotation } from "@langchain/langgraph";
import { z } from "zod";
import { redactPii } from "../domain/pii.js";
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

/** What a caller may send to start a contact (API boundary; the graph's own channels are below). */
export const CareInput = z
  .object({
    customer_id: z.string().min(1).max(64),
    message: z.string().trim().min(1).max(2000).optional(),
    priority: z.number().int().min(0).max(10).optional(),
    // An experiment's contacts are "<experiment id>/<arm>:<iteration>:<customer>": one taken first would not be
    // learned from (a "conflict" for the policy) and its logged row would be the caller's rewritten.
    interaction_id: z.string().min(1).max(200).regex(/^[^/]*$/, { error: "an id with '/' is an experiment's contact" }).optional(),
  })
  .strict();

/**
 * What the graph takes as input, by whichever path (HTTP runs, runs/wait, runs/stream, the webhook, the
 * CLI). LangGraph parses it before it writes anything, so the customer's message is checkpointed, and
 * read by every node, with card and phone numbers already masked.
 */
export const CareGraphInput = z.object({
  customer_id: z.string(),
  message: z
    .string()
    .optional()
    .transform((m) => m && redactPii(m)),
  priority: z.number().optional(),
  interaction_id: z.string().optional(),
});

/** What the nodes decided about one contact so far. */
export interface Contact {
  route?: Route;
  context?: DecisionContext;
  decision?: Decision;
  draft?: Draft;
  safety_verdict?: SafetyVerdict;
  /** null: the judge failed and the contact stays unscored. */
  score?: JudgeScore | null;
  judge_error?: string;
  escalation?: Escalation;
  review?: Review;
  outcome?: Outcome;
}

/**
 * Control state of one customer contact: the caller's input, and one `contact` record the nodes
 * fill in (merged key by key). Transcripts and analytics go to our own tables (interactions,
 * handoffs); the checkpoint keeps what the next node needs. One channel for all control data keeps
 * LangGraph's per-channel work per step flat.
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

  contact: Annotation<Contact>({ reducer: (current, update) => ({ ...current, ...update }), default: () => ({}) }),
});
export type CareStateType = typeof CareState.State;

/** Vocal customers get a reply, silent ones outreach; a severe case gets neither from the bot. */
export function modeOf(route: Route | undefined): Mode | undefined {
  return route === "vocal" ? "responder" : route === "silent" ? "outreach" : undefined;
}
export type CareUpdate = typeof CareState.Update;
