import { z } from "zod";

/** How the customers' web chat behaves (data/web-chat.json). */
export const WebChatSettings = z.object({
  /** A longer message is refused (the graph reads only its first 2,000 characters anyway). */
  max_message_chars: z.number().int().min(1).max(10_000),
  /** Messages per client address: a token bucket (a phone behind a carrier's NAT shares its address). */
  messages_per_second: z.number().positive(),
  message_burst: z.number().int().min(1),
  /** How long the chat cookie (and so the conversation) lasts without a visit. */
  cookie_days: z.number().int().min(1).max(400),
  /** Lines of the conversation the page shows (the latest). */
  transcript_lines: z.number().int().min(1).max(5000),
});
export type WebChatSettings = z.infer<typeof WebChatSettings>;

/** What the web chat's page says (prompts/web-chat/texts.es-MX.json); {{agent}} is the person's name. */
export const WebChatTexts = z.object({
  title: z.string(),
  intro: z.string(),
  log_label: z.string(),
  /** Shown in a conversation not yet begun. */
  hint: z.string(),
  message_label: z.string(),
  placeholder: z.string(),
  send: z.string(),
  you: z.string(),
  bot: z.string(),
  cars_label: z.string(),
  price: z.string(),
  km: z.string(),
  year: z.string(),
  waiting: z.string(),
  joined: z.string(),
  empty: z.string(),
  too_long: z.string(),
  failed: z.string(),
  rate_limited: z.string(),
  expired: z.string(),
});
export type WebChatTexts = z.infer<typeof WebChatTexts>;
