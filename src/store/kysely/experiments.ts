import type { ExperimentRecord, ExperimentStatus } from "../experiments.js";
import type { ExperimentStore } from "../ports.js";
import { iso, isoOrNull, type Ctx, type Dialect } from "./dialect.js";

const INTERRUPTED = JSON.stringify({ error: "interrupted: the process stopped before it finished" });

export function experimentStore({ db, d }: Ctx): ExperimentStore {
  return {
    async create(id, params) {
      await db.insertInto("experiments").values({ experiment_id: id, params: JSON.stringify(params), status: "running" }).execute();
    },

    async finish(id, status, summary) {
      await db.updateTable("experiments").set({ status, summary: JSON.stringify(summary), finished_at: d.now() }).where("experiment_id", "=", id).execute();
    },

    async get(id) {
      const row = await db.selectFrom("experiments").selectAll().where("experiment_id", "=", id).executeTakeFirst();
      return row && fromRow(row, d);
    },

    async list(limit = 50) {
      return (await db.selectFrom("experiments").selectAll().orderBy("started_at", "desc").limit(limit).execute()).map((r) => fromRow(r, d));
    },

    async failInterrupted() {
      const r = await db.updateTable("experiments").set({ status: "failed", summary: INTERRUPTED, finished_at: d.now() }).where("status", "=", "running").executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };
}

type Row = { experiment_id: string; params: unknown; status: string; summary: unknown; started_at: string | Date; finished_at: string | Date | null };
const fromRow = (r: Row, d: Dialect): ExperimentRecord => ({
  experiment_id: r.experiment_id,
  params: d.json(r.params),
  status: r.status as ExperimentStatus,
  summary: r.summary === null ? null : d.json(r.summary),
  started_at: iso(r.started_at),
  finished_at: isoOrNull(r.finished_at),
});
