import { z } from "zod";
import { Channel } from "./channel.js";
import { redactPii } from "./pii.js";
import { IssueBucket } from "./segment.js";

/**
 * A ticket's folio: "KV-" and its sequence number, at least six digits ("KV-000123"). Short enough to
 * dictate over the phone or type on WhatsApp, digits only after the prefix (no O/0 or I/1 to confuse), and
 * unique because the database hands out the number (an identity column), not code that checks then
 * inserts. It also never reads as a phone number to the PII masking (under ten digits, after a "-").
 */
export const FOLIO_PREFIX = "KV-";
const FOLIO = /^KV-(\d{6,})$/;

export function folioOf(seq: number): string {
  return `${FOLIO_PREFIX}${String(seq).padStart(6, "0")}`;
}

/** The sequence number of a folio as a customer may type it ("kv-000123", " KV-000123 "); undefined if it is not one. */
export function seqOfFolio(folio: string): number | undefined {
  const m = FOLIO.exec(folio.trim().toUpperCase());
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export const Folio = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((s) => seqOfFolio(s) !== undefined, { message: "a folio looks like KV-000123" });

export const TICKET_STATUSES = ["open", "in_progress", "closed"] as const;
export const TicketStatus = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatus>;

/** The statuses a ticket may move to `to` from: forward only (open → in_progress → closed), as a lead's. */
export const ticketStatusesBefore = (to: TicketStatus): TicketStatus[] => TICKET_STATUSES.slice(0, TICKET_STATUSES.indexOf(to));

/** Free text a customer or an agent wrote: card and phone numbers masked before it is stored or shown. */
const MaskedText = (max: number) => z.string().trim().min(1).max(max).transform(redactPii);

export const TicketNoteInput = z.object({
  /** "customer", "bot", or the agent's name. */
  author: z.string().trim().min(1).max(100),
  text: MaskedText(4000),
});
export type TicketNoteInput = z.input<typeof TicketNoteInput>;

export const TicketNote = TicketNoteInput.extend({ created_at: z.string() });
export type TicketNote = z.infer<typeof TicketNote>;

/** What opening a ticket takes. */
export const TicketOpen = z.object({
  customer_id: z.string().min(1).max(200),
  thread_id: z.string().min(1).max(200).nullable(),
  channel: Channel,
  issue_bucket: IssueBucket,
  summary: MaskedText(2000),
});
export type TicketOpen = z.input<typeof TicketOpen>;

export const Ticket = z.object({
  folio: z.string().regex(FOLIO),
  customer_id: z.string(),
  thread_id: z.string().nullable(),
  channel: Channel,
  issue_bucket: IssueBucket,
  summary: z.string(),
  status: TicketStatus,
  /** Oldest first. */
  notes: z.array(TicketNote),
  resolution: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Ticket = z.infer<typeof Ticket>;

/** How a ticket was closed: masked like the rest of its text. */
export const TicketResolution = MaskedText(2000);

/** Where a ticket moves: in progress once a person works it; closed with how it was solved. */
export type TicketAdvance = { status: "in_progress" } | { status: "closed"; resolution: string };
