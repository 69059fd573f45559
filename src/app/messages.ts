import type { OutboundMessage } from "../store/outbox.js";
import type { CareRuntime } from "./care-runtime.js";

/**
 * A person's words to a customer, queued for the channel the customer last wrote from. Null when there
 * is none (a customer known only through the API): then whoever called us delivers the reply.
 */
export function queueMessage(rt: CareRuntime, customerId: string, author: string, body: string): OutboundMessage | null {
  if (!rt.addresses.get(customerId)) return null;
  return rt.db.transaction(() => {
    const m = rt.outbox.enqueue(customerId, author, body);
    rt.audit.record(author, "message.queued", customerId, { outbound_id: m.id });
    return m;
  })();
}
