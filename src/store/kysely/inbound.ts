import { redactPii } from "../../domain/pii.js";
import type { InboundMessages } from "../ports.js";
import { iso, type Ctx } from "./dialect.js";

/** Inbound WhatsApp messages by MessageSid: Twilio retries a webhook, we answer it once. */
export function inboundMessages({ db }: Ctx): InboundMessages {
  const get = (sid: string) =>
    db.selectFrom("inbound_messages").select(["message_sid", "customer_id", "thread_id", "status", "reply"]).where("message_sid", "=", sid).executeTakeFirst();
  return {
    async claim(sid, customerId, threadId, body) {
      const inserted = await db
        .insertInto("inbound_messages")
        .values({ message_sid: sid, customer_id: customerId, thread_id: threadId, status: "received", body: redactPii(body) })
        .onConflict((oc) => oc.doNothing())
        .returning("message_sid")
        .executeTakeFirst();
      return inserted ? undefined : get(sid);
    },

    async finish(sid, status, reply) {
      await db.updateTable("inbound_messages").set({ status, reply }).where("message_sid", "=", sid).execute();
    },

    get,

    async recent(customerId, limit = 20) {
      const rows = await db
        .selectFrom("inbound_messages")
        .select(["message_sid", "body", "status", "received_at"])
        .where("customer_id", "=", customerId)
        .orderBy("received_at", "desc")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, received_at: iso(r.received_at) }));
    },

    async lastReceivedAt(customerId) {
      const row = await db.selectFrom("inbound_messages").select((eb) => eb.fn.max("received_at").as("at")).where("customer_id", "=", customerId).executeTakeFirst();
      return row?.at ? new Date(iso(row.at)) : undefined;
    },
  };
}
