import { z } from "zod";
import { Channel } from "../../../domain/channel.js";
import { unlessBlank } from "../../helper/http.js";


/** The inbox's filters and page, as the query string carries them (also the "take the next one" form's filters). */
export const QueueQuery = z.object({
  graph: unlessBlank(z.enum(["care", "conversation"])),
  channel: unlessBlank(Channel),
  reason: unlessBlank(z.string().max(60)),
  claimed: unlessBlank(z.enum(["all", "mine", "unclaimed"])),
  min: unlessBlank(z.coerce.number().int().min(0).max(10)),
  after: unlessBlank(z.string().max(400)),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

/** The query string of a queue view, without empty fields (`after` only when paging). */
export function queueSearch(q: QueueQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") p.set(k, String(v));
  return p.toString();
}

const Text = (max: number) => z.string().trim().min(1, "escribe algo").max(max);

/** A person's answer from the case page: one of the Agent Inbox actions, with its text where it takes one. */
export const AnswerForm = z.discriminatedUnion("type", [
  z.object({ type: z.literal("accept") }),
  z.object({ type: z.literal("ignore") }),
  z.object({ type: z.literal("edit"), text: Text(4000) }),
  z.object({ type: z.literal("response"), text: Text(4000) }),
]);

/** A free message: WhatsApp takes up to 1,600 characters; `key` is the form's own, so a resubmission is one message. */
export const MessageForm = z.object({ text: Text(1600), key: z.string().uuid() });
export const NoteForm = z.object({ text: Text(2000) });
export const ReassignForm = z.object({ to: z.string().trim().min(1).max(64) });
/** A canned reply for one of the case page's reply boxes. */
export const CannedQuery = z.object({ id: unlessBlank(z.string().max(60)), target: z.enum(["respond-box", "message-box"]).default("respond-box") });
/** A hand-off's id in a path: `<thread>:<interrupt>` for the conversation graph's. */
export const HandoffId = z.string().min(1).max(200);
