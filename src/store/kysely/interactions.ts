import { sql } from "kysely";
import { Interaction } from "../../domain/interaction.js";
import { INTERACTION_COLUMNS, KPI_GROUPS, type Kpi } from "../interactions.js";
import type { InteractionStore } from "../ports.js";
import { compiledOnce, iso, type Ctx, type Dialect } from "./dialect.js";

const UPDATED = INTERACTION_COLUMNS.filter((c) => c !== "interaction_id");
const FILTERED = ["experiment_id", "policy_namespace", "segment", "issue_bucket", "template", "route", "customer_id", "safety_verdict"] as const;

/** Every contact writes one: compiled once, each column a parameter in INTERACTION_COLUMNS' order. */
const upsertRow = compiledOnce((db, ...values: unknown[]) =>
  db
    .insertInto("interactions")
    .values(Object.fromEntries(INTERACTION_COLUMNS.map((c, k) => [c, values[k]])) as ReturnType<typeof toRow>)
    .onConflict((oc) => oc.column("interaction_id").doUpdateSet((eb) => Object.fromEntries(UPDATED.map((c) => [c, eb.ref(`excluded.${c}`)])))),
);

export function interactionStore({ db, d }: Ctx): InteractionStore {
  return {
    async upsert(i) {
      const row = toRow(Interaction.parse(i), d);
      // A column left out of the insert took its default, NULL for every one toRow may leave undefined.
      await upsertRow(db, ...INTERACTION_COLUMNS.map((c) => row[c] ?? null));
    },

    async get(id) {
      const row = await db.selectFrom("interactions").selectAll().where("interaction_id", "=", id).executeTakeFirst();
      return row && fromRow(row, d);
    },

    async recordHumanAction(id, action, message, source) {
      await db.updateTable("interactions").set({ human_action: action, message, message_source: source }).where("interaction_id", "=", id).execute();
    },

    async list(f = {}) {
      let q = db.selectFrom("interactions").selectAll();
      for (const col of FILTERED) if (f[col] !== undefined) q = q.where(col, "=", f[col]);
      if (f.since) q = q.where("created_at", ">=", f.since);
      const dir = f.newest_first ? "desc" : "asc";
      const rows = await d.page(q.orderBy("created_at", dir).orderBy("interaction_id", dir), f.limit, f.offset).execute();
      return rows.map((r) => fromRow(r, d));
    },

    async kpis(by, f = {}) {
      const col = sql.ref(KPI_GROUPS[by]);
      let q = db.selectFrom("interactions").select([
        sql<Kpi["group"]>`${col}`.as("group"),
        sql<number>`count(*)`.as("contacts"),
        sql<number>`count(reward)`.as("scored"),
        sql<number | null>`avg(reward)`.as("mean_reward"),
        sql<number | null>`avg(nps_expected)`.as("mean_nps"),
        sql<number | null>`avg(engagement_prob)`.as("mean_engagement"),
        sql<number | null>`avg(churn_prob)`.as("mean_churn"),
        sql<number>`sum(case when message_source = 'fallback' then 1 else 0 end)`.as("fallbacks"),
        sql<number>`sum(case when escalation_reason is not null then 1 else 0 end)`.as("escalations"),
        sql<number>`sum(case when learned then 1 else 0 end)`.as("learned"),
      ]);
      if (f.experiment_id !== undefined) q = q.where("experiment_id", "=", f.experiment_id);
      if (f.policy_namespace !== undefined) q = q.where("policy_namespace", "=", f.policy_namespace);
      if (f.since) q = q.where("created_at", ">=", f.since);
      // NULLS FIRST: SQLite's order, which PostgreSQL reverses by default.
      return q.groupBy(col).orderBy(sql`${col} asc nulls first`).execute();
    },

    async lastOutreach(customerId) {
      const row = await db
        .selectFrom("interactions as i")
        .select("i.created_at")
        .where("i.customer_id", "=", customerId)
        .where("i.experiment_id", "is", null)
        .where("i.message", "is not", null)
        .where((eb) => eb.not(eb.exists(eb.selectFrom("inbound_messages as m").select(sql`1`.as("one")).whereRef("m.thread_id", "=", "i.thread_id"))))
        .orderBy("i.created_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? new Date(iso(row.created_at)) : undefined;
    },
  };
}

function toRow(i: Interaction, d: Dialect) {
  const row = {
    ...i,
    safety_rules: JSON.stringify(i.safety_rules),
    nps_expected: i.score?.nps_expected ?? null,
    engagement_prob: i.score?.engagement_prob ?? null,
    churn_prob: i.score?.churn_prob ?? null,
    aspect_sentiment: i.score ? JSON.stringify(i.score.aspect_sentiment) : null,
    rationale: i.score?.rationale ?? null,
    learned: d.flag(i.learned),
    features: i.features ? JSON.stringify(i.features) : null,
  };
  return Object.fromEntries(INTERACTION_COLUMNS.map((c) => [c, row[c]])) as { [K in (typeof INTERACTION_COLUMNS)[number]]: (typeof row)[K] };
}

function fromRow(r: Record<string, any>, d: Dialect): Interaction {
  const score =
    r.nps_expected === null
      ? null
      : { nps_expected: r.nps_expected, engagement_prob: r.engagement_prob, churn_prob: r.churn_prob, aspect_sentiment: d.json(r.aspect_sentiment), rationale: r.rationale };
  return Interaction.parse({
    ...r,
    safety_rules: d.json(r.safety_rules),
    score,
    learned: Boolean(r.learned),
    features: r.features === null ? null : d.json(r.features),
    created_at: iso(r.created_at),
  });
}
