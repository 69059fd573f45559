import type { Selectable } from "kysely";
import type { TranscriptChange } from "../../domain/changes.js";
import { TranscriptLine, TranscriptLineNew } from "../../domain/transcript.js";
import type { Transcript } from "../ports.js";
import { iso, type Ctx } from "./dialect.js";
import type { TranscriptTable } from "./schema.js";

/** The conversations' lines, in the order written (`id`). */
export function transcriptStore({ db, d, signal }: Ctx): Transcript {
  return {
    async append(lines) {
      if (lines.length === 0) return;
      // Only the lines written come back: a run recorded again adds nothing and wakes nobody.
      const added = await db
        .insertInto("transcript")
        .values(lines.map(({ key, line }) => ({ key, ...TranscriptLineNew.parse(line) })))
        .onConflict((oc) => oc.column("key").doNothing())
        .returning(["thread_id", "customer_id"])
        .execute();
      const threads = new Map(added.map((l): [string, TranscriptChange] => [l.thread_id, { thread_id: l.thread_id, customer_id: l.customer_id }]));
      for (const change of threads.values()) await signal("transcript", JSON.stringify(change));
    },

    async thread(threadId, o = {}) {
      const q = db.selectFrom("transcript").selectAll().where("thread_id", "=", threadId).where("id", ">", o.afterId ?? 0);
      if (o.latest) return (await q.orderBy("id", "desc").limit(o.latest).execute()).map(fromRow).reverse();
      return (await d.page(q.orderBy("id"), o.limit, undefined).execute()).map(fromRow);
    },

    async customer(customerId, limit = 100) {
      return (await db.selectFrom("transcript").selectAll().where("customer_id", "=", customerId).orderBy("id", "desc").limit(limit).execute()).map(fromRow);
    },

    async recentThreads(limit) {
      const latest = db.selectFrom("transcript").select("thread_id").groupBy("thread_id").orderBy((eb) => eb.fn.max("id"), "desc").limit(limit);
      return (await db.selectFrom("transcript").selectAll().where("thread_id", "in", latest).orderBy("thread_id").orderBy("id").execute()).map(fromRow);
    },
  };
}

const fromRow = ({ created_at, ...r }: Selectable<TranscriptTable>): TranscriptLine => TranscriptLine.parse({ ...r, created_at: iso(created_at) });
