import { z } from "zod";
import { retryAfterMs } from "../../models/retry.js";
import { refused, unanswered, type ChannelSender } from "./sender.js";

/** The Telegram Bot API: how the bot's replies and a person's messages reach a Telegram customer. */
export const TelegramBotConfig = z.object({
  token: z.string().regex(/^\d+:[\w-]{20,}$/, "a bot token like 123456789:AA…"),
  apiBase: z.string().url().default("https://api.telegram.org"),
});
export type TelegramBotConfig = z.infer<typeof TelegramBotConfig>;

/** What the Bot API answers: `{ ok: true, result }`, or `{ ok: false, error_code, description, parameters }`. */
const BotApiAnswer = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: z.object({ message_id: z.number().int() }) }),
  z.object({
    ok: z.literal(false),
    error_code: z.number().int(),
    description: z.string().default(""),
    parameters: z.object({ retry_after: z.number().nonnegative().optional() }).optional(),
  }),
]);

/**
 * Telegram out: one sendMessage. 429 waits `parameters.retry_after` seconds; 401 is our token; any other 4xx
 * (403: the customer blocked the bot; 400: a chat that is gone) fails the message. The token is in the URL,
 * so it is cut out of every error kept or logged.
 */
export function telegramSender(cfg: TelegramBotConfig, fetchImpl: typeof fetch = fetch): ChannelSender {
  const url = `${cfg.apiBase.replace(/\/$/, "")}/bot${cfg.token}/sendMessage`;
  const hidden = (s: string) => s.replaceAll(cfg.token, "<token>");
  return {
    async send(m, signal) {
      try {
        const res = await fetchImpl(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          // A private chat's id is an integer (it fits a double: Telegram keeps them under 2^52).
          body: JSON.stringify({ chat_id: /^-?\d+$/.test(m.address) ? Number(m.address) : m.address, text: m.body }),
          signal,
        });
        const answer = BotApiAnswer.safeParse(await res.json().catch(() => undefined));
        if (res.ok && answer.success && answer.data.ok) return { kind: "sent", providerId: String(answer.data.result.message_id) };
        const failure = answer.success && !answer.data.ok ? answer.data : undefined;
        const status = failure?.error_code ?? res.status;
        const wait = failure?.parameters?.retry_after;
        return refused(status, hidden(`telegram ${status}: ${failure?.description || res.statusText}`), [401], wait !== undefined ? wait * 1000 : retryAfterMs(res));
      } catch (e) {
        return unanswered(e, hidden);
      }
    },
  };
}
