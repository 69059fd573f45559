import type { Db } from "./db.js";

/**
 * Checkpoint retention. A finished contact needs its last checkpoint at most (its state stays
 * readable); the steps before it are debugging history that grows the file by ~15 KB a contact.
 * Finished = logged in interactions and not waiting for a person. Nothing of our own tables is touched.
 */
export function pruneCheckpoints(db: Db, olderThan: Date): { threads: number; checkpoints: number; writes: number } {
  const exists = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t);
  if (!exists("checkpoints") || !exists("writes")) return { threads: 0, checkpoints: 0, writes: 0 };
  return db.transaction(() => {
    db.exec("CREATE TEMP TABLE IF NOT EXISTS prune_keep (thread_id TEXT PRIMARY KEY, keep TEXT NOT NULL)");
    db.exec("DELETE FROM prune_keep");
    db.prepare(
      `INSERT INTO prune_keep (thread_id, keep)
       SELECT c.thread_id, max(c.checkpoint_id) FROM checkpoints c
       WHERE c.checkpoint_ns = '' AND c.thread_id IN (
         SELECT i.thread_id FROM interactions i
         WHERE i.thread_id IS NOT NULL AND i.created_at < ?
           AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.thread_id = i.thread_id AND h.status = 'pending'))
       GROUP BY c.thread_id`,
    ).run(olderThan.toISOString());
    const checkpoints = db
      .prepare("DELETE FROM checkpoints WHERE thread_id IN (SELECT thread_id FROM prune_keep) AND checkpoint_id <> (SELECT keep FROM prune_keep k WHERE k.thread_id = checkpoints.thread_id)")
      .run().changes;
    const writes = db
      .prepare("DELETE FROM writes WHERE thread_id IN (SELECT thread_id FROM prune_keep) AND checkpoint_id <> (SELECT keep FROM prune_keep k WHERE k.thread_id = writes.thread_id)")
      .run().changes;
    const threads = (db.prepare("SELECT count(*) AS n FROM prune_keep").get() as { n: number }).n;
    db.exec("DELETE FROM prune_keep");
    return { threads, checkpoints, writes };
  })();
}

/**
 * Outbox retention: a person's messages once delivered or given up are personal data with no further use
 * here (a resolved hand-off's answer stays in the interaction log). Pending messages are never touched.
 */
export function pruneOutbound(db: Db, olderThan: Date): { messages: number } {
  return { messages: db.prepare("DELETE FROM outbound_messages WHERE status <> 'pending' AND created_at < ?").run(olderThan.toISOString()).changes };
}
