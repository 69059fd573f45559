import { z } from "zod";

/**
 * What changed, as the store's `handoffs` and `transcript` signals carry it to every process (the console's and
 * the web chat's live updates). Ids only: a listener reads what it shows from the store, so no customer text
 * travels through the database's notifications, and a payload stays far below NOTIFY's 8,000 bytes.
 */
export const HandoffChange = z.object({
  interaction_id: z.string().min(1),
  what: z.enum(["opened", "claimed", "released", "reassigned", "resolved"]),
  thread_id: z.string().min(1).nullable(),
  customer_id: z.string().min(1),
});
export type HandoffChange = z.infer<typeof HandoffChange>;

/** Lines were added to a thread's transcript. */
export const TranscriptChange = z.object({
  thread_id: z.string().min(1),
  customer_id: z.string().min(1).nullable(),
});
export type TranscriptChange = z.infer<typeof TranscriptChange>;
