import { Interaction, type HumanAction, type MessageSource } from "../domain/interaction.js";
import type { Db } from "./db.js";

/** The columns an Interaction is written to (created_at is the database's). */
export const INTERACTION_COLUMNS = [
  "interaction_id", "thread_id", "experiment_id", "iteration", "policy_namespace", "policy", "customer_id", "segment",
  "issue_bucket", "context_key", "mode", "route", "template", "propensity", "message", "message_source", "safety_verdict",
  "safety_rules", "escalation_reason", "human_action", "nps_expected", "engagement_prob", "churn_prob", "aspect_sentiment",
  "rationale", "reward", "status", "learned", "request_id", "features",
] as const;

type Row = Record<(typeof INTERACTION_COLUMNS)[number] | "created_at", unknown>;

function toRow(i: Interaction): Row {
  return {
    ...i,
    safety_rules: JSON.stringify(i.safety_rules),
    nps_expected: i.score?.nps_expected ?? null,
    engagement_prob: i.score?.engagement_prob ?? null,
    churn_prob: i.score?.churn_prob ?? null,
    aspect_sentiment: i.score ? JSON.stringify(i.score.aspect_sentiment) : null,
    rationale: i.score?.rationale ?? null,
    learned: i.learned ? 1 : 0,
    features: i.features ? JSON.stringify(i.features) : null,
    created_at: undefined,
  };
}

function fromRow(r: Row): Interaction {
  const score =
    r.nps_expected === null
      ? null
      : {
          nps_expected: r.nps_expected,
          engagement_prob: r.engagement_prob,
          churn_prob: r.churn_prob,
          aspect_sentiment: JSON.parse(r.aspect_sentiment as string),
          rationale: r.rationale,
        };
  return Interaction.parse({
    ...r,
    safety_rules: JSON.parse(r.safety_rules as string),
    score,
    learned: r.learned === 1,
    features: r.features === null ? null : JSON.parse(r.features as string),
  });
}

export interface InteractionFilter {
  experiment_id?: string;
  policy_namespace?: string;
  segment?: string;
  issue_bucket?: string;
  template?: string;
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

export class InteractionStore {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly humanStmt;

  constructor(private readonly db: Db) {
    const updates = INTERACTION_COLUMNS.filter((c) => c !== "interaction_id").map((c) => `${c} = excluded.${c}`).join(", ");
    this.upsertStmt = db.prepare(
      `INSERT INTO interactions (${INTERACTION_COLUMNS.join(", ")}) VALUES (${INTERACTION_COLUMNS.map((c) => `@${c}`).join(", ")})
       ON CONFLICT (interaction_id) DO UPDATE SET ${updates}`,
    );
    this.getStmt = db.prepare("SELECT * FROM interactions WHERE interaction_id = ?");
    this.humanStmt = db.prepare("UPDATE interactions SET human_action = ?, message = ?, message_source = ? WHERE interaction_id = ?");
  }

  /** Idempotent: replaying an interaction rewrites the same row. */
  upsert(i: Interaction): void {
    this.upsertStmt.run(toRow(Interaction.parse(i)));
  }

  get(id: string): Interaction | undefined {
    const row = this.getStmt.get(id) as Row | undefined;
    return row && fromRow(row);
  }

  /** A person acted on an already logged interaction (an escalation after the judge). */
  recordHumanAction(id: string, action: HumanAction, message: string | null, source: MessageSource): void {
    this.humanStmt.run(action, message, source, id);
  }

  /** Contacts and mean judge scores per group, over the rows the filter selects. */
  kpis(by: KpiGroup, f: Pick<InteractionFilter, "experiment_id" | "policy_namespace" | "since"> = {}): Kpi[] {
    const col = KPI_GROUPS[by];
    const where: string[] = [];
    if (f.experiment_id !== undefined) where.push("experiment_id = @experiment_id");
    if (f.policy_namespace !== undefined) where.push("policy_namespace = @policy_namespace");
    if (f.since) where.push("created_at >= @since");
    return this.db
      .prepare(
        `SELECT ${col} AS "group", count(*) AS contacts, count(reward) AS scored, avg(reward) AS mean_reward,
           avg(nps_expected) AS mean_nps, avg(engagement_prob) AS mean_engagement, avg(churn_prob) AS mean_churn,
           sum(message_source = 'fallback') AS fallbacks, sum(escalation_reason IS NOT NULL) AS escalations, sum(learned) AS learned
         FROM interactions ${where.length ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY ${col} ORDER BY ${col}`,
      )
      .all({ experiment_id: f.experiment_id, policy_namespace: f.policy_namespace, since: f.since }) as Kpi[];
  }

  list(f: InteractionFilter = {}): Interaction[] {
    const where: string[] = [];
    for (const col of ["experiment_id", "policy_namespace", "segment", "issue_bucket", "template"] as const)
      if (f[col] !== undefined) where.push(`${col} = @${col}`);
    if (f.since) where.push("created_at >= @since");
    const sql = `SELECT * FROM interactions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at, interaction_id LIMIT @limit OFFSET @offset`;
    return (this.db.prepare(sql).all({ ...f, limit: f.limit ?? -1, offset: f.offset ?? 0 }) as Row[]).map(fromRow);
  }
}
