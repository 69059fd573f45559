import { sql, type Kysely } from "kysely";
import type { DB } from "../kysely/schema.js";
import type { Retention } from "../ports.js";

/**
 * Checkpoint retention on PostgresSaver's tables, the same rule as on SQLite (sqlite/retention.ts): a
 * finished contact, or a conversation between turns, keeps its last checkpoint. PostgresSaver keeps channel values apart, in checkpoint_blobs
 * keyed by channel version; a blob no remaining checkpoint of its thread points at goes too.
 */
export function postgresRetention(db: Kysely<DB>, schema: string): Retention["pruneCheckpoints"] {
  const table = (name: string) => sql.table(`${schema}.${name}`);
  return (olderThan) =>
    db.transaction().execute(async (trx) => {
      await sql`CREATE TEMP TABLE prune_keep ON COMMIT DROP AS
        SELECT c.thread_id, max(c.checkpoint_id) AS keep FROM ${table("checkpoints")} c
        WHERE c.checkpoint_ns = '' AND c.thread_id IN (
          SELECT i.thread_id FROM interactions i
          WHERE i.thread_id IS NOT NULL AND i.created_at < ${olderThan}
            AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.thread_id = i.thread_id AND h.status = 'pending')
          UNION
          SELECT t.thread_id FROM threads t
          WHERE t.metadata ->> 'graph_id' = 'conversation' AND t.metadata ->> 'status' = 'done' AND t.updated_at < ${olderThan})
        GROUP BY c.thread_id`.execute(trx);
      const deleted = async (name: "checkpoints" | "checkpoint_writes") =>
        Number(
          (await sql`DELETE FROM ${table(name)} t USING prune_keep k WHERE t.thread_id = k.thread_id AND t.checkpoint_id < k.keep`.execute(trx))
            .numAffectedRows ?? 0,
        );
      const checkpoints = await deleted("checkpoints");
      const writes = await deleted("checkpoint_writes");
      await sql`DELETE FROM ${table("checkpoint_blobs")} b USING prune_keep k WHERE b.thread_id = k.thread_id
        AND NOT EXISTS (SELECT 1 FROM ${table("checkpoints")} c WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns
          AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)`.execute(trx);
      const { n } = (await sql<{ n: number }>`SELECT count(*) AS n FROM prune_keep`.execute(trx)).rows[0]!;
      return { threads: n, checkpoints, writes };
    });
}
