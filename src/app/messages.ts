import type { Repos } from "../store/ports.js";
import type { OutboundMessage } from "../store/outbox.js";

/**
 * A person's words to a customer, queued for the channel the customer last wrote from. Null when there
 * is none (a customer known only through the API): then whoever called us delivers the reply. `tx` is a
 * transaction: the message and its audit entry are written together. `key` makes it idempotent: a replay
 * (a run executed again, a request retried) answers the message queued first and audits nothing more.
 */
export async function queueMessage(tx: Repos, key: string, customerId: string, author: string, body: string, detail: Record<string, unknown> = {}): Promise<OutboundMessage | null> {
  if (!(await tx.outbox.address(customerId))) return null;
  const { message, created } = await tx.outbox.enqueue({ key, customerId, author, body });
  if (created) await tx.audit.record(author, "message.queued", customerId, { outbound_id: message.id, ...detail });
  return message;
}
