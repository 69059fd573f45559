import type { ConversationSettings, LeadKind } from "../../domain/conversation.js";
import { normalize } from "../../domain/text-rules.js";

/** Whether the text holds one of the words or phrases (normalised, whole words). */
export function hasWord(text: string, words: readonly string[]): boolean {
  const t = ` ${normalize(text).replace(/[^a-z0-9ñ ]/g, " ").replace(/\s+/g, " ")} `;
  return words.some((w) => t.includes(` ${w} `));
}

/** The deal a message asks for, by the words of data/conversation.json; none when it names none. */
export function leadKindOf(text: string, settings: Pick<ConversationSettings, "lead_words">): LeadKind | undefined {
  return Object.entries(settings.lead_words).find(([, words]) => hasWord(text, words))?.[0] as LeadKind | undefined;
}
