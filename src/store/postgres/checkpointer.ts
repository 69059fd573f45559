import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type { RunnableConfig } from "@langchain/core/runnables";
import { WRITES_IDX_MAP, type Checkpoint, type CheckpointMetadata, type ChannelVersions, type PendingWrite } from "@langchain/langgraph-checkpoint";
import type pg from "pg";

/**
 * PostgresSaver with each save sent as one statement. The library's `put` runs BEGIN, one INSERT per changed
 * channel, the checkpoint's INSERT and COMMIT (about five round trips), and `putWrites` BEGIN, one INSERT
 * per write and COMMIT: two thirds of the statements a care run sends (bench:queries). Here the blobs ride
 * in a data-modifying CTE of the checkpoint's INSERT and the writes in one multi-row INSERT (`unnest`), so
 * each save is still atomic — one statement is its own transaction — on the same tables, rows and
 * conflict rules, so the library reads them back unchanged. Reads, listing and deletes are the library's.
 * Serialisation is the library's too (its protected `_dump*`).
 */
export class PostgresCheckpointer extends PostgresSaver {
  readonly #pool: pg.Pool;
  readonly #sql: { put: string; writesInsert: string; writesUpsert: string };

  constructor(pool: pg.Pool, schema: string) {
    super(pool, undefined, { schema });
    this.#pool = pool;
    const t = (name: string) => `"${schema}".${name}`;
    const writes = `INSERT INTO ${t("checkpoint_writes")} (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, blob)
      SELECT $1, $2, $3, $4, w.idx, w.channel, w.type, w.blob FROM unnest($5::int[], $6::text[], $7::text[], $8::bytea[]) AS w(idx, channel, type, blob)
      ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)`;
    this.#sql = {
      put: `WITH blobs AS (
          INSERT INTO ${t("checkpoint_blobs")} (thread_id, checkpoint_ns, channel, version, type, blob)
          SELECT $1, $2, b.channel, b.version, b.type, b.blob FROM unnest($3::text[], $4::text[], $5::text[], $6::bytea[]) AS b(channel, version, type, blob)
          ON CONFLICT (thread_id, checkpoint_ns, channel, version) DO NOTHING
        )
        INSERT INTO ${t("checkpoints")} (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint, metadata)
        VALUES ($1, $2, $7, $8, $9, $10)
        ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, metadata = EXCLUDED.metadata`,
      writesInsert: `${writes} DO NOTHING`,
      writesUpsert: `${writes} DO UPDATE SET channel = EXCLUDED.channel, type = EXCLUDED.type, blob = EXCLUDED.blob`,
    };
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    if (config.configurable === undefined) throw new Error(`Missing "configurable" field in "config" param`);
    const { thread_id, checkpoint_ns = "", checkpoint_id } = config.configurable;
    const [blobs, serializedMetadata] = await Promise.all([
      this._dumpBlobs(thread_id, checkpoint_ns, checkpoint.channel_values, newVersions),
      this._dumpMetadata(metadata),
    ]);
    await this.#pool.query(this.#sql.put, [
      thread_id,
      checkpoint_ns,
      blobs.map((b) => b[2]),
      blobs.map((b) => b[3]),
      blobs.map((b) => b[4]),
      blobs.map((b) => bytes(b[5])),
      checkpoint.id,
      checkpoint_id,
      this._dumpCheckpoint(checkpoint),
      serializedMetadata,
    ]);
    return { configurable: { thread_id, checkpoint_ns, checkpoint_id: checkpoint.id } };
  }

  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    if (writes.length === 0) return;
    const { thread_id, checkpoint_ns, checkpoint_id } = config.configurable ?? {};
    // The library overwrites only when every write is to a channel of a fixed index (errors, interrupts,
    // scheduled tasks, resumes), one INSERT after another, so the last write to an index wins. One statement
    // may not touch a row twice: that choice is made here.
    const upsert = writes.every(([channel]) => channel in WRITES_IDX_MAP);
    const dumped = await this._dumpWrites(thread_id, checkpoint_ns, checkpoint_id, taskId, writes);
    const rows = upsert ? [...new Map(dumped.map((w) => [w[4], w])).values()] : dumped;
    await this.#pool.query(upsert ? this.#sql.writesUpsert : this.#sql.writesInsert, [
      thread_id,
      checkpoint_ns,
      checkpoint_id,
      taskId,
      rows.map((w) => w[4]),
      rows.map((w) => w[5]),
      rows.map((w) => w[6]),
      rows.map((w) => bytes(w[7])),
    ]);
  }
}

/** `pg` writes a Buffer inside an array as bytea; a bare Uint8Array it would not. */
const bytes = (u: Uint8Array | undefined): Buffer | null => (u === undefined ? null : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
