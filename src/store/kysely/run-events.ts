import { RunLostError, type RunEvents } from "../ports.js";
import type { Ctx } from "./dialect.js";

/** A run's stream, numbered per run. One worker owns a run: its appends come one after the other. */
export function runEvents({ db, d, atomic, signal }: Ctx): RunEvents {
  return {
    async append(runId, events, heldBy) {
      const last = await atomic(async (trx) => {
        // Locked until this append commits: a worker taking the run over (its claim updates the row) waits for it.
        if (heldBy !== undefined && !(await d.forUpdate(trx.selectFrom("runs").select("seq").where("run_id", "=", runId).where("worker", "=", heldBy).where("status", "=", "running")).executeTakeFirst()))
          throw new RunLostError(`run ${runId} is not held by ${heldBy}`);
        const row = await trx.selectFrom("run_events").select((eb) => eb.fn.max("seq").as("last")).where("run_id", "=", runId).executeTakeFirst();
        const from = Number(row?.last ?? 0);
        // Numbered from the last one read: a second appender racing this one fails on the primary key.
        if (events.length > 0)
          await trx
            .insertInto("run_events")
            .values(events.map((e, i) => ({ run_id: runId, seq: from + i + 1, event: e.event, data: JSON.stringify(e.data ?? null) })))
            .execute();
        return from + events.length;
      });
      if (events.length > 0) await signal("run_events", `${runId}:${last}`);
      return last;
    },

    async after(runId, seq, limit) {
      const q = db.selectFrom("run_events").select(["seq", "event", "data"]).where("run_id", "=", runId).where("seq", ">", seq).orderBy("seq");
      return (await d.page(q, limit, undefined).execute()).map((r) => ({ seq: r.seq, event: r.event, data: d.json(r.data) }));
    },

    async last(runId, event) {
      const r = await db.selectFrom("run_events").select(["seq", "event", "data"]).where("run_id", "=", runId).where("event", "=", event).orderBy("seq", "desc").limit(1).executeTakeFirst();
      return r && { seq: r.seq, event: r.event, data: d.json(r.data) };
    },
  };
}
