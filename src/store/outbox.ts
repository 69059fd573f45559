import { redactPii } from "../domain/pii.js";

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

