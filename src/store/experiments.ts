export type ExperimentStatus = "running" | "done" | "failed" | "cancelled";

export interface ExperimentRecord {
  experiment_id: string;
  params: Record<string, unknown>;
  status: ExperimentStatus;
  summary: Record<string, unknown> | null;
  started_at: string;
  finished_at: string | null;
}

