import { sql, type Kysely } from "kysely";
import type { DB } from "../kysely/schema.js";
import type { Retention } from "../ports.js";

const tableExists = async (trx: Kysely<DB>, name: string) =>
  (await sql`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${name}`.execute(trx)).rows.length > 0;

/**
 * Checkpoint retention on SqliteSaver's tables. A finished contact needs its last checkpoint at most (its
 * state stays readable); the steps before it are debugging history that grows the file by ~15 KB a contact,
 * ~60 KB a conversation's turn. Finished = a contact logged in interactions and not waiting for a person, or a
 * conversation whose last turn ended (not running, not waiting) before `olderThan`. Only checkpoints older than
 * the kept one go (ids are time-ordered): a conversation's next turn may be writing newer ones meanwhile.
 * Nothing of our own tables is touched.
 */
export function sqliteRetention(db: Kysely<DB>): Retention["pruneCheckpoints"] {
  return (olderThan) =>
    db.transaction().execute(async (trx) => {
      if (!(await tableExists(trx, "checkpoints")) || !(await tableExists(trx, "writes"))) return { threads: 0, checkpoints: 0, writes: 0 };
      await sql`CREATE TEMP TABLE IF NOT EXISTS prune_keep (thread_id TEXT PRIMARY KEY, keep TEXT NOT NULL)`.execute(trx);
      await sql`DELETE FROM prune_keep`.execute(trx);
      await sql`INSERT INTO prune_keep (thread_id, keep)
        SELECT c.thread_id, max(c.checkpoint_id) FROM checkpoints c
        WHERE c.checkpoint_ns = '' AND c.thread_id IN (
          SELECT i.thread_id FROM interactions i
          WHERE i.thread_id IS NOT NULL AND i.created_at < ${olderThan.toISOString()}
            AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.thread_id = i.thread_id AND h.status = 'pending')
          UNION
          SELECT t.thread_id FROM threads t
          WHERE json_extract(t.metadata, '$.graph_id') = 'conversation' AND json_extract(t.metadata, '$.status') = 'done'
            AND t.updated_at < ${olderThan.toISOString()})
        GROUP BY c.thread_id`.execute(trx);
      const deleted = async (table: "checkpoints" | "writes") =>
        Number(
          (
            await sql`DELETE FROM ${sql.table(table)} WHERE thread_id IN (SELECT thread_id FROM prune_keep)
              AND checkpoint_id < (SELECT keep FROM prune_keep k WHERE k.thread_id = ${sql.table(table)}.thread_id)`.execute(trx)
          ).numAffectedRows ?? 0,
        );
      const checkpoints = await deleted("checkpoints");
      const writes = await deleted("writes");
      const { n } = (await sql<{ n: number }>`SELECT count(*) AS n FROM prune_keep`.execute(trx)).rows[0]!;
      await sql`DELETE FROM prune_keep`.execute(trx);
      return { threads: n, checkpoints, writes };
    });
}
