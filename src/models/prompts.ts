import { z } from "zod";
import { interpolate } from "../domain/fill.js";
import { redactPii } from "../domain/pii.js";

export const PromptFragments = z.object({
  incoming: z.string(),
  no_incoming: z.string(),
  mode_responder: z.string(),
  mode_outreach: z.string(),
});
export type PromptFragments = z.infer<typeof PromptFragments>;

/** A model's system prompt, its user-message frame, and the small texts that fill the frame. */
export interface PromptSet {
  system: string;
  user: string;
  fragments: PromptFragments;
}

/** The customer's words go in quoted as data: what they say is never an instruction to the model. */
export function incomingBlock(incoming: string, f: PromptFragments): string {
  return incoming ? interpolate(f.incoming, { text: incoming.replace(/"""/g, '"') }) : f.no_incoming;
}

/**
 * The user message a model reads: the frame filled, then card and phone numbers masked, whatever the
 * values held (a record stored before masking, a story imported from CSV). No provider gets them.
 */
export function userMessage(frame: string, values: Record<string, string>): string {
  return redactPii(interpolate(frame, values));
}
