import type { Handoff } from "../handoffs.js";
import type { HandoffStore } from "../ports.js";
import { iso, isoOrNull, type Ctx } from "./dialect.js";

/** Escalations to people: who owns a conversation never depends on a model. */
export function handoffStore({ db, d }: Ctx): HandoffStore {
  const people = () => db.selectFrom("handoffs").selectAll().where("experiment_id", "is", null);
  const get = async (interactionId: string) => {
    const row = await db.selectFrom("handoffs").selectAll().where("interaction_id", "=", interactionId).executeTakeFirst();
    return row && fromRow(row);
  };
  return {
    async open(h) {
      await db.insertInto("handoffs").values(h).onConflict((oc) => oc.doNothing()).execute();
    },

    async resolve(interactionId, resolution) {
      await db.updateTable("handoffs").set({ status: "resolved", resolution, resolved_at: d.now() }).where("interaction_id", "=", interactionId).execute();
    },

    get,

    async onThread(threadId) {
      const row = await db.selectFrom("handoffs").selectAll().where("thread_id", "=", threadId).orderBy("created_at", "desc").limit(1).executeTakeFirst();
      return row && fromRow(row);
    },

    async claim(interactionId, agent) {
      const won = await db
        .updateTable("handoffs")
        .set({ claimed_by: agent, claimed_at: d.now() })
        .where("interaction_id", "=", interactionId)
        .where("status", "=", "pending")
        .where("claimed_by", "is", null)
        .executeTakeFirst();
      if (won.numUpdatedRows === 1n) return "claimed";
      const h = await get(interactionId);
      if (!h) return "missing";
      if (h.status === "resolved") return "resolved";
      return h.claimed_by === agent ? "already_yours" : "taken";
    },

    async pending() {
      return (await people().where("status", "=", "pending").orderBy("priority", "desc").orderBy("created_at").execute()).map(fromRow);
    },

    async onThreads(threadIds) {
      if (threadIds.length === 0) return [];
      return (await db.selectFrom("handoffs").selectAll().where("thread_id", "in", threadIds).orderBy("created_at").execute()).map(fromRow);
    },

    async resolved(limit = 200) {
      return (await people().where("status", "=", "resolved").orderBy("resolved_at", "desc").limit(limit).execute()).map(fromRow);
    },

    async pendingCount() {
      const row = await db
        .selectFrom("handoffs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("status", "=", "pending")
        .where("experiment_id", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

type Row = Omit<Handoff, "created_at" | "claimed_at" | "resolved_at"> & { created_at: string | Date; claimed_at: string | Date | null; resolved_at: string | Date | null };
const fromRow = (r: Row): Handoff => ({ ...r, created_at: iso(r.created_at), claimed_at: isoOrNull(r.claimed_at), resolved_at: isoOrNull(r.resolved_at) });
