import { redactPii } from "../domain/pii.js";
import type { Db } from "./db.js";

export interface OutboundMessage {
  id: number;
  customer_id: string;
  author: string;
  body: string;
  status: "pending" | "sent" | "failed";
  attempts: number;
  next_attempt_at: string;
  provider_id: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A message due to be sent, with where to send it. */
export type DueMessage = OutboundMessage & { channel: string; address: string };

/** Twilio's errors quote the number ("The 'To' number whatsapp:+52… is not valid"), and the API shows this text. */
export const storedError = (error: string) => redactPii(error).slice(0, 300);

/** A person's messages to one customer go out in order: none overtakes an older one still pending. */
const FIRST_IN_LINE = "NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.customer_id = m.customer_id AND o.status = 'pending' AND o.id < m.id)";

const COLUMNS = "id, customer_id, author, body, status, attempts, next_attempt_at, provider_id, last_error, created_at, sent_at";

/** Where each customer can be reached, as their last inbound message showed. */
export class ChannelAddressStore {
  constructor(private readonly db: Db) {}

  set(customerId: string, channel: string, address: string): void {
    this.db
      .prepare(
        `INSERT INTO channel_addresses (customer_id, channel, address) VALUES (?, ?, ?)
         ON CONFLICT (customer_id) DO UPDATE SET channel = excluded.channel, address = excluded.address, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      )
      .run(customerId, channel, address);
  }

  get(customerId: string): { channel: string; address: string } | undefined {
    return this.db.prepare("SELECT channel, address FROM channel_addresses WHERE customer_id = ?").get(customerId) as { channel: string; address: string } | undefined;
  }
}

/** The outbox: messages are written here first and sent by OutboxSender, retried until delivered or given up. */
export class OutboxStore {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly db: Db) {}

  /** Called after each enqueue: how a sender learns there is work without polling. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  enqueue(customerId: string, author: string, body: string): OutboundMessage {
    const { lastInsertRowid } = this.db.prepare("INSERT INTO outbound_messages (customer_id, author, body, status) VALUES (?, ?, ?, 'pending')").run(customerId, author, body);
    // After the caller's transaction, if there is one: a sender must not read before the row is committed.
    queueMicrotask(() => this.listeners.forEach((l) => l()));
    return this.get(Number(lastInsertRowid))!;
  }

  countByStatus(): Record<string, number> {
    const rows = this.db.prepare("SELECT status, count(*) AS n FROM outbound_messages GROUP BY status").all() as Array<{ status: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  pendingCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM outbound_messages WHERE status = 'pending'").get() as { n: number }).n;
  }

  get(id: number): OutboundMessage | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM outbound_messages WHERE id = ?`).get(id) as OutboundMessage | undefined;
  }

  /** Pending messages whose time has come, oldest first. */
  due(now: Date, limit = 20): DueMessage[] {
    return this.db
      .prepare(
        `SELECT ${COLUMNS.split(", ").map((c) => `m.${c}`).join(", ")}, a.channel, a.address
         FROM outbound_messages m JOIN channel_addresses a ON a.customer_id = m.customer_id
         WHERE m.status = 'pending' AND m.next_attempt_at <= ? AND ${FIRST_IN_LINE}
         ORDER BY m.id LIMIT ?`,
      )
      .all(now.toISOString(), limit) as DueMessage[];
  }

  /** When the next pending message falls due, if any. */
  nextDue(): Date | undefined {
    // Only what `due` can return: a row it cannot pick (no address, or waiting behind an older message to
    // the same customer) must not keep a sender waking up.
    const row = this.db
      .prepare(
        `SELECT min(m.next_attempt_at) AS at FROM outbound_messages m JOIN channel_addresses a ON a.customer_id = m.customer_id
         WHERE m.status = 'pending' AND ${FIRST_IN_LINE}`,
      )
      .get() as { at: string | null };
    return row.at ? new Date(row.at) : undefined;
  }

  /**
   * Takes a due message for one attempt by moving its due time past the attempt (compare-and-set on the
   * due time read): a second process sending from the same file skips it instead of sending it twice.
   */
  lease(m: OutboundMessage, until: Date): boolean {
    return (
      this.db
        .prepare("UPDATE outbound_messages SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?")
        .run(until.toISOString(), m.id, m.next_attempt_at).changes === 1
    );
  }

  sent(id: number, providerId: string | null): void {
    this.db
      .prepare("UPDATE outbound_messages SET status = 'sent', attempts = attempts + 1, provider_id = ?, last_error = NULL, sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
      .run(providerId, id);
  }

  retryAt(id: number, error: string, at: Date): void {
    this.db.prepare("UPDATE outbound_messages SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?").run(storedError(error), at.toISOString(), id);
  }

  failed(id: number, error: string): void {
    this.db.prepare("UPDATE outbound_messages SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?").run(storedError(error), id);
  }

  /** A customer's outbound messages, newest first. */
  recent(customerId: string, limit = 20): OutboundMessage[] {
    return this.db.prepare(`SELECT ${COLUMNS} FROM outbound_messages WHERE customer_id = ? ORDER BY id DESC LIMIT ?`).all(customerId, limit) as OutboundMessage[];
  }
}
