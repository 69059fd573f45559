import { sql } from "kysely";
const enc = (v) => JSON.stringify(v);
// jsonb comes back parsed from pg, text from SQLite: one decoder for both.
const dec = (v) => (typeof v === "string" ? JSON.parse(v) : v);

export const threads = (db, kind) => ({
  async upsert(id, metadata) {
    const row = await db.insertInto("threads").values({ thread_id: id, metadata: enc(metadata) })
      .onConflict((oc) => oc.column("thread_id").doUpdateSet((eb) => ({ metadata: eb.ref("excluded.metadata") })))
      .returning(["thread_id", "metadata", "updated_at"]).executeTakeFirstOrThrow();
    return { ...row, metadata: dec(row.metadata) };
  },
  // The one dialect-specific predicate: JSON equality on a top-level key.
  async byStatus(status) {
    const q = db.selectFrom("threads").select(["thread_id"]);
    const rows = await (kind === "postgres"
      ? q.where(sql`metadata @> ${enc({ status })}::jsonb`)
      : q.where(sql`json_extract(metadata, '$.status')`, "=", status)).execute();
    return rows.map((r) => r.thread_id);
  },
});

export const policy = (db) => ({
  // Exactly-once claim + seq bump in one transaction.
  async applyOnce(trx, id, ns, reward) {
    const claimed = await trx.insertInto("policy_updates").values({ interaction_id: id, namespace: ns, reward })
      .onConflict((oc) => oc.doNothing()).returning("interaction_id").executeTakeFirst();
    if (!claimed) return "replay";
    await trx.insertInto("policies").values({ namespace: ns, seq: 0 }).onConflict((oc) => oc.doNothing()).execute();
    const { seq } = await trx.updateTable("policies").set((eb) => ({ seq: eb("seq", "+", 1) })).where("namespace", "=", ns).returning("seq").executeTakeFirstOrThrow();
    return seq;
  },
});
