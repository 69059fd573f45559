import type { ExpressionBuilder, SelectQueryBuilder } from "kysely";
import type { HandoffChange } from "../../domain/changes.js";
import type { Handoff, InboxFilter } from "../handoffs.js";
import type { HandoffStore } from "../ports.js";
import { iso, isoOrNull, type Ctx } from "./dialect.js";
import type { DB } from "./schema.js";

type Q = SelectQueryBuilder<DB, "handoffs", object>;

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
  /** The inbox's rows: every condition on the columns of the `handoffs_inbox` index first, then the filter's. */
  const queue = (f: InboxFilter): Q => {
    let q = db.selectFrom("handoffs").where("status", "=", "pending").where("experiment_id", "is", null) as Q;
    if (f.minPriority !== undefined) q = q.where("priority", ">=", f.minPriority);
    if (f.graph !== undefined) q = q.where("graph", "=", f.graph);
    if (f.channel !== undefined) q = q.where("channel", "=", f.channel);
    if (f.reason !== undefined) q = q.where("reason", "=", f.reason);
    if (f.claimed === "unclaimed") q = q.where("claimed_by", "is", null);
    if (f.claimed === "mine") q = q.where("claimed_by", "=", f.agent ?? "");
    return q;
  };
  const ordered = (q: Q) => q.orderBy("priority", "desc").orderBy("created_at").orderBy("interaction_id");
  const get = async (interactionId: string) => {
    const row = await db.selectFrom("handoffs").selectAll().where("interaction_id", "=", interactionId).executeTakeFirst();
    return row && fromRow(row);
  };
  /** Why a claim-holder's change was refused, from the row as it is now. */
  const refused = async (interactionId: string) => {
    const h = await get(interactionId);
    return !h ? "missing" : h.status === "resolved" ? "resolved" : "not_yours";
  };
  /** Sets `claimed_by` to `to` while the hand-off is pending and held by `from` (null: unclaimed); signals `what` when it did. */
  const moveClaim = async (interactionId: string, from: string | null, to: string | null, what: HandoffChange["what"]) => {
    const moved = await db
      .updateTable("handoffs")
      .set({ claimed_by: to, claimed_at: to === null ? null : d.now() })
      .where("interaction_id", "=", interactionId)
      .where("status", "=", "pending")
      .where("claimed_by", from === null ? "is" : "=", from)
      .returning(CHANGED)
      .executeTakeFirst();
    await changed(moved, what);
    return moved !== undefined;
  };
  return {
    async open(h) {
      const opened = await db
        .insertInto("handoffs")
        .values({ ...h, graph: h.graph ?? "care", channel: h.channel ?? null })
        .onConflict((oc) => oc.doNothing())
        .returning(CHANGED)
        .executeTakeFirst();
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
      if (await moveClaim(interactionId, null, agent, "claimed")) return "claimed";
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

    async inbox(filter, { limit, after }) {
      const cursor = after ? parseCursor(after) : undefined;
      const base = queue(filter);
      const paged = cursor ? base.where((eb) => afterCursor(eb, cursor)) : base;
      // One more than the page: whether there is a next page, without a second query.
      const [rows, count] = await Promise.all([
        ordered(paged).selectAll().limit(limit + 1).execute(),
        base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
      ]);
      const items = rows.slice(0, limit).map(fromRow);
      const last = items.at(-1);
      return { items, total: Number(count.n), next: rows.length > limit && last ? cursorOf(last) : null };
    },

    async next(agent, filter = {}) {
      // Take the first candidate with a claim that only succeeds while it is still unclaimed; an agent
      // that took it in between makes this one try the following candidate (a handful of rounds at most).
      for (let round = 0; round < 8; round++) {
        const candidates = await ordered(queue({ ...filter, claimed: "unclaimed" })).select("interaction_id").limit(4).execute();
        if (candidates.length === 0) return undefined;
        for (const { interaction_id } of candidates) if (await moveClaim(interaction_id, null, agent, "claimed")) return get(interaction_id);
      }
      return undefined;
    },

    async release(interactionId, agent) {
      return (await moveClaim(interactionId, agent, null, "released")) ? "released" : refused(interactionId);
    },

    async reassign(interactionId, from, to) {
      return (await moveClaim(interactionId, from, to, "reassigned")) ? "reassigned" : refused(interactionId);
    },
  };
}

interface Cursor {
  priority: number;
  created_at: string;
  interaction_id: string;
}

/** The row's place in the inbox's order, opaque to the page (base64url of its JSON). */
const cursorOf = (h: Handoff): string => Buffer.from(JSON.stringify([h.priority, h.created_at, h.interaction_id])).toString("base64url");

function parseCursor(s: string): Cursor | undefined {
  try {
    const [priority, created_at, interaction_id] = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown[];
    if (typeof priority !== "number" || typeof created_at !== "string" || typeof interaction_id !== "string" || Number.isNaN(Date.parse(created_at))) return undefined;
    return { priority, created_at, interaction_id };
  } catch {
    return undefined;
  }
}

/** Rows after the cursor in (priority desc, created_at, interaction_id) order. */
function afterCursor(eb: ExpressionBuilder<DB, "handoffs">, c: Cursor) {
  return eb.or([
    eb("priority", "<", c.priority),
    eb.and([
      eb("priority", "=", c.priority),
      eb.or([eb("created_at", ">", c.created_at), eb.and([eb("created_at", "=", c.created_at), eb("interaction_id", ">", c.interaction_id)])]),
    ]),
  ]);
}

type Row = Omit<Handoff, "created_at" | "claimed_at" | "resolved_at"> & { created_at: string | Date; claimed_at: string | Date | null; resolved_at: string | Date | null };
const fromRow = (r: Row): Handoff => ({ ...r, created_at: iso(r.created_at), claimed_at: isoOrNull(r.claimed_at), resolved_at: isoOrNull(r.resolved_at) });
