import { createHmac } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { submitRun } from "../../app/runs/submit.js";
import type { Customer } from "../../domain/customer.js";
import { interpolate } from "../../domain/fill.js";
import { segmentOf } from "../../domain/segment.js";
import { classifyMessage } from "../../domain/message-class.js";
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

/**
 * A WhatsApp id is a phone number: the customer id is a keyed hash of it, so ids and logs carry no phone
 * (a plain hash would not do: every Mexican mobile number can be hashed and matched in minutes).
 */
export function customerIdForWaId(waId: string, secret: string): string {
  return `wa-${createHmac("sha256", secret).update(waId).digest("hex").slice(0, 20)}`;
}

const MAX_MESSAGE = 2000;

export function twilioRouter(rt: CareRuntime, cfg: TwilioConfig) {
  const keywords = loadClassifierKeywords();
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
    const text = (msg.Body + media).trim().slice(0, MAX_MESSAGE);

    const customerId = customerIdForWaId(msg.WaId, cfg.idSecret ?? cfg.authToken);
    const klass = classifyMessage(text, keywords);
    const d = keywords.whatsapp_defaults;
    const threadId = crypto.randomUUID();
    // One transaction from the check to the claim: Twilio's retry of a message arriving meanwhile finds it claimed.
    await rt.store.transaction(async (tx) => {
      const seen = await tx.inbound.get(msg.MessageSid);
      if (seen) return;
      const known = await tx.customers.get(customerId);
      const customer: Customer = {
        ...(known ?? { ...d, issues_flag: 1, channel_pref: "whatsapp", first_message: text || keywords.whatsapp_texts.empty_body, customer_id: customerId }),
        segment: segmentOf(true, klass.angry),
        is_vocal: true,
        issue_bucket: klass.issue,
      } as Customer;
      await tx.customers.upsertMany([customer]);
      await tx.inbound.claim(msg.MessageSid, customerId, threadId, text);
      // Where the replies go, the bot's and a person's.
      if (msg.From.startsWith("whatsapp:")) await tx.outbox.setAddress(customerId, "whatsapp", msg.From);
      if ((await tx.ownership.get(customerId)).owner === "human") {
        await tx.inbound.finish(msg.MessageSid, "human", null);
        await tx.audit.record("customer", "inbound.to_human", customerId, { message_sid: msg.MessageSid });
        return;
      }
      // Queued with the message it answers: both are kept, or neither (Twilio then retries the webhook).
      await submitRun(tx, {
        thread_id: threadId,
        multitask_strategy: "enqueue",
        kwargs: { kind: "contact", customer_id: customerId, message: text || undefined, context: {}, request_id: c.get("requestId"), channel: { message_sid: msg.MessageSid } },
      });
    });
    // The reply goes out through the outbox once the run has it (Twilio's webhook wait is too short to hold
    // for a graph run), so a retry of the webhook sends nothing a second time.
    return reply(c, null);
  });
}
