/** The columns an Interaction is written to (created_at is the database's). */
export const INTERACTION_COLUMNS = [
  "interaction_id", "thread_id", "experiment_id", "iteration", "policy_namespace", "policy", "customer_id", "segment",
  "issue_bucket", "context_key", "mode", "route", "template", "propensity", "message", "message_source", "safety_verdict",
  "safety_rules", "escalation_reason", "human_action", "nps_expected", "engagement_prob", "churn_prob", "aspect_sentiment",
  "rationale", "reward", "status", "learned", "request_id", "features",
] as const;

export interface InteractionFilter {
  experiment_id?: string;
  policy_namespace?: string;
  segment?: string;
  issue_bucket?: string;
  template?: string;
  route?: string;
  customer_id?: string;
  safety_verdict?: string;
  /** Newest first (the console's list); oldest first otherwise. */
  newest_first?: boolean;
  since?: string;
  limit?: number;
  offset?: number;
}

export interface Kpi {
  group: string | number | null;
  contacts: number;
  scored: number;
  mean_reward: number | null;
  mean_nps: number | null;
  mean_engagement: number | null;
  mean_churn: number | null;
  fallbacks: number;
  escalations: number;
  learned: number;
}

export const KPI_GROUPS = { iteration: "iteration", segment: "segment", template: "template", issue: "issue_bucket", namespace: "policy_namespace" } as const;
export type KpiGroup = keyof typeof KPI_GROUPS;

