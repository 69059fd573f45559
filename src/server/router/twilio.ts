import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { ChannelInbox } from "../../app/channels/inbox.js";
import { channelCustomerId } from "../../app/channels/identity.js";
import { interpolate } from "../../domain/fill.js";
import { loadClassifierKeywords } from "../../store/assets.js";
import type { AppEnv } from "../env.js";
import { HttpError, parseWith } from "../helper/http.js";
import { twiml, validTwilioSignature } from "../helper/twilio.js";

/** The fields of Twilio's WhatsApp webhook that we use; the rest are signed and ignored. */
export const TwilioMessage = z.object({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/, "a Twilio message SID"),
  From: z.string().min(1).max(64),
  To: z.string().min(1).max(64),
  WaId: z.string().regex(/^\d{6,20}$/, "digits of a WhatsApp id"),
  Body: z.string().max(4096).default(""),
  ProfileName: z.string().max(256).optional(),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

export interface TwilioConfig {
  authToken: string | undefined;
  /** The URL Twilio calls, as the public sees it (behind proxies it is not the request's own URL). */
  publicBaseUrl: string | undefined;
  /** Keys the hash from WhatsApp id to customer id; defaults to the auth token. Changing it changes the ids. */
  idSecret?: string;
}

/** A WhatsApp id is a phone number: the customer id is a keyed hash of it (channelCustomerId). */
export const customerIdForWaId = (waId: string, secret: string): string => channelCustomerId("wa", waId, secret);

const MAX_MESSAGE = 2000;

/** WhatsApp in: Twilio's webhook, verified and read, handed to the channel inbox; the reply goes out through the outbox. */
export function twilioRouter(rt: CareRuntime, cfg: TwilioConfig) {
  const keywords = loadClassifierKeywords();
  const inbox = new ChannelInbox(rt, undefined, keywords);
  const reply = (c: { body: (b: string, s: 200, h: Record<string, string>) => Response }, message: string | null) =>
    c.body(twiml(message), 200, { "content-type": "text/xml; charset=utf-8" });

  return new Hono<AppEnv>().post("/whatsapp", async (c) => {
    if (!cfg.authToken || !cfg.publicBaseUrl) throw new HttpError(503, "not_configured", "set TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL");
    const form = await c.req.parseBody();
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === "string") params[k] = v;
    const url = new URL(c.req.url);
    const publicUrl = cfg.publicBaseUrl.replace(/\/$/, "") + url.pathname + url.search;
    if (!validTwilioSignature(cfg.authToken, publicUrl, params, c.req.header("x-twilio-signature")))
      throw new HttpError(403, "bad_signature", "X-Twilio-Signature does not match");
    const msg = parseWith(TwilioMessage, params, "form");
    const media = msg.NumMedia > 0 ? ` ${interpolate(keywords.whatsapp_texts.attachments, { n: String(msg.NumMedia) })}` : "";
    await inbox.accept({
      channel: "whatsapp",
      key: msg.MessageSid,
      customerId: customerIdForWaId(msg.WaId, cfg.idSecret ?? cfg.authToken),
      address: msg.From.startsWith("whatsapp:") ? msg.From : undefined,
      text: (msg.Body + media).trim().slice(0, MAX_MESSAGE),
      requestId: c.get("requestId"),
    });
    // The reply goes out through the outbox once the run has it (Twilio's webhook wait is too short to hold
    // for a graph run), so a retry of the webhook sends nothing a second time.
    return reply(c, null);
  });
}
