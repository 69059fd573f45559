import type { Db } from "./db.js";

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

/** Escalations to people, kept in our own table so who owns a conversation never depends on a model. */
export class HandoffStore {
  private readonly openStmt;
  private readonly resolveStmt;

  constructor(private readonly db: Db) {
    this.openStmt = db.prepare(
      `INSERT INTO handoffs (interaction_id, thread_id, customer_id, reason, priority, draft, experiment_id)
       VALUES (@interaction_id, @thread_id, @customer_id, @reason, @priority, @draft, @experiment_id) ON CONFLICT DO NOTHING`,
    );
    this.resolveStmt = db.prepare(
      "UPDATE handoffs SET status = 'resolved', resolution = ?, resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE interaction_id = ?",
    );
  }

  /** Idempotent: the node that opens it runs again when the graph resumes. */
  open(h: HandoffOpen): void {
    this.openStmt.run(h);
  }

  resolve(interactionId: string, resolution: string): void {
    this.resolveStmt.run(resolution, interactionId);
  }

  get(interactionId: string): Handoff | undefined {
    return this.db.prepare("SELECT * FROM handoffs WHERE interaction_id = ?").get(interactionId) as Handoff | undefined;
  }

  /** The hand-off of a thread's contact (a thread is one contact, so at most one). */
  onThread(threadId: string): Handoff | undefined {
    return this.db.prepare("SELECT * FROM handoffs WHERE thread_id = ? ORDER BY created_at DESC LIMIT 1").get(threadId) as Handoff | undefined;
  }

  /** Atomic: of two agents claiming at once, one wins and the other learns who has it. */
  claim(interactionId: string, agent: string): ClaimResult {
    const won = this.db
      .prepare(
        `UPDATE handoffs SET claimed_by = ?, claimed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE interaction_id = ? AND status = 'pending' AND claimed_by IS NULL`,
      )
      .run(agent, interactionId).changes;
    if (won) return "claimed";
    const h = this.get(interactionId);
    if (!h) return "missing";
    if (h.status === "resolved") return "resolved";
    return h.claimed_by === agent ? "already_yours" : "taken";
  }

  /** The people's queue: real customers' escalations, most urgent first. */
  pending(): Handoff[] {
    return this.db
      .prepare("SELECT * FROM handoffs WHERE status = 'pending' AND experiment_id IS NULL ORDER BY priority DESC, created_at")
      .all() as Handoff[];
  }

  resolved(limit = 200): Handoff[] {
    return this.db.prepare("SELECT * FROM handoffs WHERE status = 'resolved' AND experiment_id IS NULL ORDER BY resolved_at DESC LIMIT ?").all(limit) as Handoff[];
  }

  pendingCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM handoffs WHERE status = 'pending' AND experiment_id IS NULL").get() as { n: number }).n;
  }
}
