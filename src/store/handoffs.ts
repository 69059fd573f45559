export interface HandoffOpen {
  interaction_id: string;
  thread_id: string | null;
  customer_id: string;
  reason: string;
  priority: number;
  draft: string | null;
  /** Set for a simulated customer's escalation: kept, but out of the people's queue. */
  experiment_id: string | null;
  /** The graph that waits for the person; care's when not given (its hand-offs predate the column). */
  graph?: string;
  /** The channel the customer wrote from, when the graph knows it (the conversation graph does; care does not). */
  channel?: string | null;
}

export interface Handoff extends HandoffOpen {
  graph: string;
  channel: string | null;
  status: "pending" | "resolved";
  resolution: string | null;
  claimed_by: string | null;
  claimed_at: string | null;
  created_at: string;
  resolved_at: string | null;
}

export type ClaimResult = "claimed" | "already_yours" | "taken" | "resolved" | "missing";

/** What releasing or passing on a claim came to: done, or why not (`not_yours`: unclaimed, or another agent's). */
export type ReleaseResult = "released" | "not_yours" | "resolved" | "missing";
export type ReassignResult = "reassigned" | "not_yours" | "resolved" | "missing";

/** Which of the pending hand-offs an agent looks at. */
export interface InboxFilter {
  graph?: string;
  channel?: string;
  reason?: string;
  /** `mine` needs `agent`. */
  claimed?: "all" | "mine" | "unclaimed";
  agent?: string;
  minPriority?: number;
}

/** One page of the inbox: highest priority first, then oldest, then by id; `after` is the cursor of the page's last row. */
export interface InboxPage {
  items: Handoff[];
  /** Pending hand-offs the filter matches, over every page. */
  total: number;
  /** The cursor of the next page; null on the last. */
  next: string | null;
}
