import { randomUUID } from "node:crypto";
import type { Outbox } from "../../src/store/ports.js";

/** A new message (its own key), as the tests that are not about keys queue one. */
export async function queued(outbox: Outbox, customerId: string, author: string, body: string) {
  const { message, created } = await outbox.enqueue({ key: randomUUID(), customerId, author, body });
  if (!created) throw new Error("a fresh key replayed a message");
  return message;
}
