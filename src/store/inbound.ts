import { redactPii } from "../domain/pii.js";
import type { Db } from "./db.js";

export interface InboundMessage {
  message_sid: string;
  customer_id: string;
  thread_id: string | null;
  status: "received" | "answered" | "human" | "failed";
  reply: string | null;
}

/** Inbound WhatsApp messages by MessageSid: Twilio retries a webhook, we answer it once. */
export class InboundStore {
  constructor(private readonly db: Db) {}

  /** Records a new message (card and phone numbers masked); returns the earlier record when the sid was seen before. */
  claim(sid: string, customerId: string, threadId: string, body: string): InboundMessage | undefined {
    const inserted = this.db
      .prepare("INSERT INTO inbound_messages (message_sid, customer_id, thread_id, status, body) VALUES (?, ?, ?, 'received', ?) ON CONFLICT DO NOTHING")
      .run(sid, customerId, threadId, redactPii(body)).changes;
    return inserted ? undefined : this.get(sid);
  }

  finish(sid: string, status: InboundMessage["status"], reply: string | null): void {
    this.db.prepare("UPDATE inbound_messages SET status = ?, reply = ? WHERE message_sid = ?").run(status, reply, sid);
  }

  /** What the customer wrote lately, newest first: for the person who owns the conversation. */
  recent(customerId: string, limit = 20): Array<{ message_sid: string; body: string | null; status: string; received_at: string }> {
    return this.db
      .prepare("SELECT message_sid, body, status, received_at FROM inbound_messages WHERE customer_id = ? ORDER BY received_at DESC LIMIT ?")
      .all(customerId, limit) as Array<{ message_sid: string; body: string | null; status: string; received_at: string }>;
  }

  /** When the customer last wrote to us, if ever. */
  lastReceivedAt(customerId: string): Date | undefined {
    const row = this.db.prepare("SELECT max(received_at) AS at FROM inbound_messages WHERE customer_id = ?").get(customerId) as { at: string | null };
    return row.at ? new Date(row.at) : undefined;
  }

  get(sid: string): InboundMessage | undefined {
    return this.db.prepare("SELECT message_sid, customer_id, thread_id, status, reply FROM inbound_messages WHERE message_sid = ?").get(sid) as
      | InboundMessage
      | undefined;
  }
}
