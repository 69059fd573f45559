import { z } from "zod";
import { Channel } from "./channel.js";
import { redactPii } from "./pii.js";

/** Who wrote a line of a conversation: the customer, the bot, or a person (by the agent's name). */
export const TranscriptAuthor = z.union([z.enum(["customer", "bot"]), z.string().regex(/^person:.{1,120}$/s, "person:<agent>")]);
export type TranscriptAuthor = z.infer<typeof TranscriptAuthor>;

/** One line as written: its text masked (card and phone numbers) before it is stored, bounded. */
export const TranscriptLineNew = z.object({
  thread_id: z.string().min(1).max(64),
  customer_id: z.string().min(1).max(64).nullable(),
  channel: Channel,
  author: TranscriptAuthor,
  text: z.string().max(10_000).transform(redactPii),
});
export type TranscriptLineNew = z.input<typeof TranscriptLineNew>;

/** A line of a conversation, every channel's, as the transcript keeps it for people (the console, an export). */
/** `key`: what wrote it (`<thread>:<message id>` for a turn's lines, `<hand-off>:answer` for a person's answer). */
export const TranscriptLine = TranscriptLineNew.extend({ id: z.number().int(), key: z.string(), text: z.string(), created_at: z.string() });
export type TranscriptLine = z.infer<typeof TranscriptLine>;
