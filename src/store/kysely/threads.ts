import { sql, type Kysely, type RawBuilder } from "kysely";
import type { ThreadStore } from "../ports.js";
import type { ThreadRecord, ThreadStatus } from "../threads.js";
import { iso, type Ctx, type Dialect } from "./dialect.js";
import type { DB } from "./schema.js";

/**
 * ThreadRecord.status in SQL (a search filters on it, and its total must count what it filters): busy while
 * a run of the thread is open or the bookkeeping says running, then what the bookkeeping says.
 */
const statusOf = (d: Dialect): RawBuilder<ThreadStatus> => {
  const bookkeeping = d.jsonText("metadata", "status");
  return sql<ThreadStatus>`case
    when exists (select 1 from runs r where r.thread_id = threads.thread_id and r.status in ('pending', 'running')) or ${bookkeeping} = 'running' then 'busy'
    when ${bookkeeping} = 'interrupted' then 'interrupted'
    when ${bookkeeping} = 'failed' then 'error'
    else 'idle' end`;
};

/** Threads of the LangGraph-compatible API: our rows; their checkpoints are the checkpointer's. */
export function threadStore({ db, d, atomic }: Ctx): ThreadStore {
  const status = statusOf(d);
  const get = async (trx: Kysely<DB>, id: string) => {
    const row = await trx.selectFrom("threads").selectAll().select(status.as("status")).where("thread_id", "=", id).executeTakeFirst();
    return row && fromRow(row, d);
  };
  return {
    get: (id) => get(db, id),

    async upsert(id, kind, metadata = {}) {
      if (d.backend === "postgres") {
        // One statement: ON CONFLICT locks the row and merges into its latest version, so two patches at once
        // apply one after the other, no key lost. `||` is the shallow merge the SQLite path spells out below.
        const row = await db
          .insertInto("threads")
          .values({ thread_id: id, metadata: JSON.stringify(metadata) })
          .onConflict((oc) =>
            oc.column("thread_id").doUpdateSet({ metadata: kind === "patch" ? sql`threads.metadata || excluded.metadata` : sql`excluded.metadata`, updated_at: d.now() }),
          )
          .returningAll()
          .returning(status.as("status"))
          .executeTakeFirstOrThrow();
        return fromRow(row, d);
      }
      return atomic(async (trx) => {
        // Create, else lock then merge: two patches at once on PostgreSQL apply one after the other, no key lost.
        const created = await trx
          .insertInto("threads")
          .values({ thread_id: id, metadata: JSON.stringify(metadata) })
          .onConflict((oc) => oc.doNothing())
          .returning("thread_id")
          .executeTakeFirst();
        if (!created) {
          const current = await d.forUpdate(trx.selectFrom("threads").select("metadata").where("thread_id", "=", id)).executeTakeFirstOrThrow();
          const merged = kind === "patch" ? { ...d.json<Record<string, unknown>>(current.metadata), ...metadata } : metadata;
          await trx.updateTable("threads").set({ metadata: JSON.stringify(merged), updated_at: d.now() }).where("thread_id", "=", id).execute();
        }
        return (await get(trx, id))!;
      });
    },

    async delete(id) {
      await db.deleteFrom("threads").where("thread_id", "=", id).execute();
    },

    async search(o) {
      const filter = Object.entries(o.metadata ?? {});
      if (filter.some(([k]) => !/^\w{1,64}$/.test(k))) return { total: 0, threads: [] };
      if (o.ids?.length === 0) return { total: 0, threads: [] };
      let q = db.selectFrom("threads");
      for (const [k, v] of filter) q = q.where(d.jsonKeyEquals("metadata", k, v));
      if (o.ids) q = q.where("thread_id", "in", o.ids);
      if (o.status) q = q.where(sql<boolean>`${status} = ${o.status}`);
      const { total } = await q.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
      const rows = await d.page(q.selectAll().select(status.as("status")).orderBy(o.sortBy, o.sortOrder).orderBy("thread_id", o.sortOrder), o.limit, o.offset).execute();
      return { total: Number(total), threads: rows.map((r) => fromRow(r, d)) };
    },
  };
}

type Row = { thread_id: string; metadata: unknown; status: ThreadStatus; created_at: string | Date; updated_at: string | Date };
const fromRow = (r: Row, d: Dialect): ThreadRecord => ({
  thread_id: r.thread_id,
  metadata: d.json(r.metadata),
  status: r.status,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});
