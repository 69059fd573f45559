import type { Db } from "./db.js";

export type ExperimentStatus = "running" | "done" | "failed" | "cancelled";

export interface ExperimentRecord {
  experiment_id: string;
  params: Record<string, unknown>;
  status: ExperimentStatus;
  summary: Record<string, unknown> | null;
  started_at: string;
  finished_at: string | null;
}

interface Row {
  experiment_id: string;
  params: string;
  status: ExperimentStatus;
  summary: string | null;
  started_at: string;
  finished_at: string | null;
}
const fromRow = (r: Row): ExperimentRecord => ({ ...r, params: JSON.parse(r.params), summary: r.summary === null ? null : JSON.parse(r.summary) });

export class ExperimentStore {
  constructor(private readonly db: Db) {}

  create(id: string, params: Record<string, unknown>): void {
    this.db.prepare("INSERT INTO experiments (experiment_id, params, status) VALUES (?, ?, 'running')").run(id, JSON.stringify(params));
  }

  finish(id: string, status: Exclude<ExperimentStatus, "running">, summary: Record<string, unknown>): void {
    this.db
      .prepare("UPDATE experiments SET status = ?, summary = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE experiment_id = ?")
      .run(status, JSON.stringify(summary), id);
  }

  get(id: string): ExperimentRecord | undefined {
    const row = this.db.prepare("SELECT * FROM experiments WHERE experiment_id = ?").get(id) as Row | undefined;
    return row && fromRow(row);
  }

  list(limit = 50): ExperimentRecord[] {
    return (this.db.prepare("SELECT * FROM experiments ORDER BY started_at DESC LIMIT ?").all(limit) as Row[]).map(fromRow);
  }

  /** At start-up: experiments a previous process left running will never finish. */
  failInterrupted(): number {
    return this.db
      .prepare(
        `UPDATE experiments SET status = 'failed', summary = '{"error":"interrupted: the process stopped before it finished"}',
         finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE status = 'running'`,
      )
      .run().changes;
  }
}
