import { z } from "zod";
import { JudgeScore } from "./judge-score.js";
import { IssueBucket, Segment } from "./segment.js";
import { Mode, TemplateId } from "./template.js";

export const Route = z.enum(["vocal", "silent", "severe"]);
export type Route = z.infer<typeof Route>;

/** Who wrote the message the customer gets: the policy's template, the safe fallback, or a person. */
export const MessageSource = z.enum(["policy", "fallback", "human", "none"]);
export type MessageSource = z.infer<typeof MessageSource>;

export const InteractionStatus = z.enum(["scored", "unscored", "human", "ignored"]);
export type InteractionStatus = z.infer<typeof InteractionStatus>;

export const HumanAction = z.enum(["accept", "edit", "response", "ignore"]);
export type HumanAction = z.infer<typeof HumanAction>;

/** One row of the interaction log: what was decided, sent and scored for one customer contact. */
export const Interaction = z.object({
  interaction_id: z.string(),
  thread_id: z.string().nullable(),
  experiment_id: z.string().nullable(),
  iteration: z.number().int().nullable(),
  policy_namespace: z.string(),
  policy: z.string(),
  customer_id: z.string(),
  segment: Segment,
  issue_bucket: IssueBucket,
  context_key: z.string(),
  mode: Mode.nullable(),
  route: Route,
  template: TemplateId.nullable(),
  propensity: z.number().nullable(),
  message: z.string().nullable(),
  message_source: MessageSource,
  safety_verdict: z.enum(["ok", "fixable", "severe"]).nullable(),
  safety_rules: z.array(z.string()),
  escalation_reason: z.string().nullable(),
  human_action: HumanAction.nullable(),
  score: JudgeScore.nullable(),
  reward: z.number().nullable(),
  status: InteractionStatus,
  learned: z.boolean(),
  request_id: z.string().nullable().default(null),
  features: z.record(z.string(), z.number()).nullable().default(null),
  created_at: z.string().optional(),
});
export type Interaction = z.infer<typeof Interaction>;
