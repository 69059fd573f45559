import { z } from "zod";
import { retryAfterMs } from "../../models/retry.js";
import { refused, unanswered, type ChannelSender } from "./sender.js";

/** Twilio's Messages API: how the bot's replies and a person's messages reach a WhatsApp customer. */
export const TwilioRestConfig = z.object({
  accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, "a Twilio account SID (AC…)"),
  authToken: z.string().min(1),
  /** Our WhatsApp sender, e.g. "whatsapp:+14155238886". */
  from: z.string().regex(/^whatsapp:\+\d{6,20}$/, 'a WhatsApp sender like "whatsapp:+14155238886"'),
  apiBase: z.string().url().default("https://api.twilio.com"),
});
export type TwilioRestConfig = z.infer<typeof TwilioRestConfig>;

/** WhatsApp out: one POST to Messages.json. 401 and 403 are our credentials (Twilio's, not the customer's). */
export function whatsappSender(cfg: TwilioRestConfig, fetchImpl: typeof fetch = fetch): ChannelSender {
  const url = `${cfg.apiBase.replace(/\/$/, "")}/2010-04-01/Accounts/${cfg.accountSid}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${cfg.accountSid}:${cfg.authToken}`).toString("base64")}`;
  return {
    async send(m, signal) {
      try {
        const res = await fetchImpl(url, {
          method: "POST",
          headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ To: m.address, From: cfg.from, Body: m.body }),
          signal,
        });
        const payload = (await res.json().catch(() => ({}))) as { sid?: unknown; code?: unknown; message?: unknown };
        if (res.ok) return { kind: "sent", providerId: typeof payload.sid === "string" ? payload.sid : null };
        const error = `twilio ${res.status}${payload.code ? ` (code ${String(payload.code)})` : ""}: ${String(payload.message ?? res.statusText)}`;
        return refused(res.status, error, [401, 403], retryAfterMs(res));
      } catch (e) {
        return unanswered(e);
      }
    },
  };
}
