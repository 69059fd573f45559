import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { ChannelInbox } from "../../app/channels/inbox.js";
import { channelCustomerId } from "../../app/channels/identity.js";
import type { AppEnv } from "../env.js";
import { HttpError, readJson } from "../helper/http.js";
import { sameSecret } from "../helper/secret.js";

/** The parts of a Bot API Update we read; any other field, or kind of update, is ignored. */
export const TelegramUpdate = z.object({
  update_id: z.number().int().nonnegative(),
  message: z
    .object({
      message_id: z.number().int(),
      chat: z.object({ id: z.number().int(), type: z.string() }),
      /** Absent for a photo, a sticker, a location…: those are not read. */
      text: z.string().max(4096).optional(),
    })
    .optional(),
});

export interface TelegramConfig {
  /** What Telegram sends in X-Telegram-Bot-Api-Secret-Token (setWebhook's secret_token). */
  webhookSecret: string | undefined;
  /** The bot's token: without it no reply could go out, so the webhook takes nothing. */
  botToken: string | undefined;
  /** Keys the hash from chat id to customer id; defaults to the bot token. Changing it changes the ids. */
  idSecret?: string;
}

const MAX_MESSAGE = 2000;

/** A chat id is an account's: the customer id is a keyed hash of it (channelCustomerId). */
export const customerIdForChat = (chatId: number, secret: string): string => channelCustomerId("tg", String(chatId), secret);

/**
 * Telegram in: the Bot API's webhook, its secret header checked, the update read, a private chat's text handed
 * to the channel inbox; the reply goes out through the outbox. Every other update is acknowledged and dropped
 * (a non-2xx answer would only make Telegram send it again).
 */
export function telegramRouter(rt: CareRuntime, cfg: TelegramConfig) {
  const inbox = new ChannelInbox(rt);
  return new Hono<AppEnv>().post("/", async (c) => {
    if (!cfg.webhookSecret || !cfg.botToken) throw new HttpError(503, "not_configured", "set TELEGRAM_WEBHOOK_SECRET and TELEGRAM_BOT_TOKEN");
    if (!sameSecret(c.req.header("x-telegram-bot-api-secret-token"), cfg.webhookSecret))
      throw new HttpError(403, "bad_secret", "X-Telegram-Bot-Api-Secret-Token does not match");
    const update = await readJson(c, TelegramUpdate);
    const m = update.message;
    if (m?.text !== undefined && m.chat.type === "private")
      await inbox.accept({
        channel: "telegram",
        // Update ids are the bot's, numbered by Telegram: a redelivered update has the same one.
        key: `tg:${update.update_id}`,
        customerId: customerIdForChat(m.chat.id, cfg.idSecret ?? cfg.botToken),
        address: String(m.chat.id),
        text: m.text.trim().slice(0, MAX_MESSAGE),
        requestId: c.get("requestId"),
      });
    return c.json({ ok: true });
  });
}
