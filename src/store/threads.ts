/**
 * The SDK's thread status, derived: `busy` while a run is open on it (queued or running, or the bookkeeping
 * says running), `interrupted` while it waits for a person, `error` after a failed run, else `idle`.
 */
export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";

export interface ThreadRecord {
  thread_id: string;
  metadata: Record<string, unknown>;
  status: ThreadStatus;
  created_at: string;
  updated_at: string;
}

/**
 * The metadata keys the service writes and its bookkeeping relies on: which graph, whose contact (where a
 * person's reply is sent), where the run stands (what recovery resumes), who resumed it. Not a client's.
 */
export const BOOKKEEPING_KEYS = ["graph_id", "assistant_id", "customer_id", "status", "context", "resumed_by", "recovered", "error", "run_id"] as const;

