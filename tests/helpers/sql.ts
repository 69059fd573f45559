import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { CareRuntime } from "../../src/app/care-runtime.js";

/**
 * The runtime's SQLite connection, for a test's raw reads of what landed on disk (and the few writes that
 * fake an old or damaged file). Product code reaches the database through rt.store only.
 */
export const rawDb = (rt: CareRuntime) => (rt.checkpointer as SqliteSaver).db;

/** How many checkpoints of a thread the database holds (not the server's memory), on either backend. */
export async function checkpointCount(rt: CareRuntime, threadId: string): Promise<number> {
  if (rt.store.backend === "sqlite") return (rawDb(rt).prepare("SELECT count(*) AS n FROM checkpoints WHERE thread_id = ?").get(threadId) as { n: number }).n;
  // PostgresSaver's pool is private; it is the one the Store's queries run on.
  const pool = (rt.checkpointer as unknown as { pool: { query(q: string, v: unknown[]): Promise<{ rows: Array<{ n: string }> }> } }).pool;
  return Number((await pool.query("SELECT count(*) AS n FROM checkpoints WHERE thread_id = $1", [threadId])).rows[0]!.n);
}
