export interface HandoffOpen {
  interaction_id: string;
  thread_id: string | null;
  customer_id: string;
  reason: string;
  priority: number;
  draft: string | null;
  /** Set for a simulated customer's escalation: kept, but out of the people's queue. */
  experiment_id: string | null;
}

export interface Handoff extends HandoffOpen {
  status: "pending" | "resolved";
  resolution: string | null;
  claimed_by: string | null;
  claimed_at: string | null;
  created_at: string;
  resolved_at: string | null;
}

export type ClaimResult = "claimed" | "already_yours" | "taken" | "resolved" | "missing";

