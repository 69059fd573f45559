import { sql, type ExpressionBuilder } from "kysely";
import { storedError, type DueMessage, type OutboundMessage } from "../outbox.js";
import type { Outbox } from "../ports.js";
import { iso, isoOrNull, type Ctx } from "./dialect.js";
import type { DB } from "./schema.js";

/** A person's messages to one customer go out in order: none overtakes an older one still pending. */
const firstInLine = (eb: ExpressionBuilder<DB & { m: DB["outbound_messages"] }, "m">) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom("outbound_messages as o")
        .select(sql`1`.as("one"))
        .whereRef("o.customer_id", "=", "m.customer_id")
        .where("o.status", "=", "pending")
        .whereRef("o.id", "<", "m.id"),
    ),
  );

/** `in ()` is no SQL: no channel is a name no address has. */
const onChannels = (channels: readonly string[]) => (channels.length > 0 ? [...channels] : [""]);

/** The outbox: messages are written here first and sent by a sender, retried until delivered or given up. */
export function outbox({ db, d, afterCommit, signal }: Ctx, listeners: Set<() => void>): Outbox {
  return {
    onEnqueue(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async enqueue({ key, customerId, author, body }) {
      const row = await db
        .insertInto("outbound_messages")
        .values({ key, customer_id: customerId, author, body, status: "pending" })
        .onConflict((oc) => oc.column("key").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) return { message: fromRow(await db.selectFrom("outbound_messages").selectAll().where("key", "=", key).executeTakeFirstOrThrow()), created: false };
      // A sender must not read before the row is committed; a sender of another process (serve, when a
      // worker process ran the contact) hears of it through the `outbox` signal.
      afterCommit(() => listeners.forEach((l) => l()));
      await signal("outbox", "");
      return { message: fromRow(row), created: true };
    },

    async setAddress(customerId, channel, address) {
      await db
        .insertInto("channel_addresses")
        .values({ customer_id: customerId, channel, address })
        .onConflict((oc) => oc.column("customer_id").doUpdateSet((eb) => ({ channel: eb.ref("excluded.channel"), address: eb.ref("excluded.address"), updated_at: d.now() })))
        .execute();
    },

    async address(customerId) {
      return db.selectFrom("channel_addresses").select(["channel", "address"]).where("customer_id", "=", customerId).executeTakeFirst();
    },

    async due(now, limit = 20, channels) {
      const rows = await db
        .selectFrom("outbound_messages as m")
        .innerJoin("channel_addresses as a", "a.customer_id", "m.customer_id")
        .selectAll("m")
        .select(["a.channel", "a.address"])
        .where("m.status", "=", "pending")
        .where("m.next_attempt_at", "<=", now.toISOString())
        .where(firstInLine)
        .$if(channels !== undefined, (q) => q.where("a.channel", "in", onChannels(channels!)))
        .orderBy("m.id")
        .limit(limit)
        .execute();
      return rows.map((r): DueMessage => ({ ...fromRow(r), channel: r.channel, address: r.address }));
    },

    async nextDue(channels) {
      // Only what `due` can return: a row it cannot pick (no address, or behind an older message to the same
      // customer) must not keep a sender waking up.
      const row = await db
        .selectFrom("outbound_messages as m")
        .innerJoin("channel_addresses as a", "a.customer_id", "m.customer_id")
        .select((eb) => eb.fn.min("m.next_attempt_at").as("at"))
        .where("m.status", "=", "pending")
        .where(firstInLine)
        .$if(channels !== undefined, (q) => q.where("a.channel", "in", onChannels(channels!)))
        .executeTakeFirst();
      return row?.at ? new Date(iso(row.at)) : undefined;
    },

    async lease(m, until) {
      const r = await db
        .updateTable("outbound_messages")
        .set({ next_attempt_at: until.toISOString() })
        .where("id", "=", m.id)
        .where("status", "=", "pending")
        .where("next_attempt_at", "=", m.next_attempt_at)
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    async sent(id, providerId) {
      await db
        .updateTable("outbound_messages")
        .set((eb) => ({ status: "sent", attempts: eb("attempts", "+", 1), provider_id: providerId, last_error: null, sent_at: d.now() }))
        .where("id", "=", id)
        .execute();
    },

    async retryAt(id, error, at) {
      await db
        .updateTable("outbound_messages")
        .set((eb) => ({ attempts: eb("attempts", "+", 1), last_error: storedError(error), next_attempt_at: at.toISOString() }))
        .where("id", "=", id)
        .execute();
    },

    async failed(id, error) {
      await db
        .updateTable("outbound_messages")
        .set((eb) => ({ status: "failed", attempts: eb("attempts", "+", 1), last_error: storedError(error) }))
        .where("id", "=", id)
        .execute();
    },

    async get(id) {
      const row = await db.selectFrom("outbound_messages").selectAll().where("id", "=", id).executeTakeFirst();
      return row && fromRow(row);
    },

    async recent(customerId, limit = 20) {
      return (await db.selectFrom("outbound_messages").selectAll().where("customer_id", "=", customerId).orderBy("id", "desc").limit(limit).execute()).map(fromRow);
    },

    async countByStatus() {
      const rows = await db.selectFrom("outbound_messages").select((eb) => ["status", eb.fn.countAll<number>().as("n")]).groupBy("status").execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },

    async pendingCount() {
      const row = await db.selectFrom("outbound_messages").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "pending").executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

type Row = Omit<OutboundMessage, "next_attempt_at" | "created_at" | "sent_at"> & { next_attempt_at: string | Date; created_at: string | Date; sent_at: string | Date | null };
const fromRow = ({ id, customer_id, author, body, status, attempts, next_attempt_at, provider_id, last_error, created_at, sent_at }: Row): OutboundMessage => ({
  id,
  customer_id,
  author,
  body,
  status,
  attempts,
  next_attempt_at: iso(next_attempt_at),
  provider_id,
  last_error,
  created_at: iso(created_at),
  sent_at: isoOrNull(sent_at),
});
