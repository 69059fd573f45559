import { createHash, createHmac } from "node:crypto";
import type { Channel } from "../../domain/channel.js";

/**
 * A channel's id of a person (a WhatsApp number, a Telegram chat id) as a customer id: a keyed hash, so ids
 * and logs carry none (a plain hash would not do: every Mexican mobile number can be hashed and matched in
 * minutes). Changing the secret changes every id.
 */
export function channelCustomerId(prefix: string, channelId: string, secret: string): string {
  return `${prefix}-${createHmac("sha256", secret).update(channelId).digest("hex").slice(0, 20)}`;
}

/** UUID version 5 (RFC 9562: SHA-1 of the namespace's bytes and the name). */
export function uuidV5(name: string, namespace: string): string {
  const h = createHash("sha1").update(Buffer.from(namespace.replaceAll("-", ""), "hex")).update(name, "utf8").digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Our namespace for conversation threads (any fixed UUID; changing it moves every conversation to a new thread). */
const CONVERSATION_THREADS = "0b1f3a52-7c64-4e0a-9d35-6f2c8e41a7d9";

/** The customer's one conversation thread on a channel: derived, so every message of theirs lands on it. */
export const conversationThreadId = (customerId: string, channel: Channel): string => uuidV5(`${channel}:${customerId}`, CONVERSATION_THREADS);
