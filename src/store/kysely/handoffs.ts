import type { HandoffChange } from "../../domain/changes.js";
import type { Handoff } from "../handoffs.js";
import type { HandoffStore } from "../ports.js";
import { iso, isoOrNull, type Ctx } from "./dialect.js";

/** What a changed row tells listeners: enough to filter on (a thread, a customer) without reading it. */
type Changed = { interaction_id: string; thread_id: string | null; customer_id: string; experiment_id: string | null };
const CHANGED = ["interaction_id", "thread_id", "customer_id", "experiment_id"] as const;

/** Escalations to people: who owns a conversation never depends on a model. */
export function handoffStore({ db, d, signal }: Ctx): HandoffStore {
  // A simulated customer's hand-off is in no one's inbox: an experiment's thousands would only flood the console.
  const changed = async (h: Changed | undefined, what: HandoffChange["what"]) => {
    if (!h || h.experiment_id !== null) return;
    const change: HandoffChange = { interaction_id: h.interaction_id, what, thread_id: h.thread_id, customer_id: h.customer_id };
    await signal("handoffs", JSON.stringify(change));
  };
  const people = () => db.selectFrom("handoffs").selectAll().where("experiment_id", "is", null);
  const get = async (interactionId: string) => {
    const row = await db.selectFrom("handoffs").selectAll().where("interaction_id", "=", interactionId).executeTakeFirst();
    return row && fromRow(row);
  };
  return {
    async open(h) {
      const opened = await db.insertInto("handoffs").values(h).onConflict((oc) => oc.doNothing()).returning(CHANGED).executeTakeFirst();
      await changed(opened, "opened");
    },

    async resolve(interactionId, resolution) {
      const rows = await db.updateTable("handoffs").set({ status: "resolved", resolution, resolved_at: d.now() }).where("interaction_id", "=", interactionId).returning(CHANGED).execute();
      await changed(rows[0], "resolved");
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
        .returning(CHANGED)
        .executeTakeFirst();
      if (won) {
        await changed(won, "claimed");
        return "claimed";
      }
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
