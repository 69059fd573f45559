import { isRetryable } from "../../models/retry.js";
import type { DueMessage } from "../../store/outbox.js";

/** What one attempt at sending a message came to: sent, worth retrying (after at least `retryAfterMs`), or never going to work. */
export type Attempt = { kind: "sent"; providerId: string | null } | { kind: "retry"; error: string; retryAfterMs?: number } | { kind: "permanent"; error: string };

/** A channel's way out: one attempt at one message, to the address the customer wrote from. Never throws. */
export interface ChannelSender {
  send(m: DueMessage, signal: AbortSignal): Promise<Attempt>;
}

/**
 * A provider's refusal: rate limits and server errors are worth another attempt, and so are the statuses that
 * mean our own credentials (`ours`), which an operator can fix meanwhile; any other 4xx never will be.
 */
export function refused(status: number, error: string, ours: readonly number[], retryAfterMs?: number): Attempt {
  return isRetryable({ status }) || status >= 500 || ours.includes(status) ? { kind: "retry", error, retryAfterMs } : { kind: "permanent", error };
}

/** A request that got no answer (network, timeout, abort): tried again. `hide` cuts a secret out of the error. */
export const unanswered = (e: unknown, hide: (s: string) => string = (s) => s): Attempt => ({ kind: "retry", error: hide(e instanceof Error ? `${e.name}: ${e.message}` : String(e)) });
