import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Twilio's X-Twilio-Signature: HMAC-SHA1 keyed with the auth token over the full public URL (query
 * string included) followed by every POST parameter, sorted by name, as name+value; base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export function validTwilioSignature(authToken: string, url: string, params: Record<string, string>, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[ch]!);

/** TwiML answer: one message, or an empty response (say nothing). */
export function twiml(message: string | null): string {
  const body = message ? `<Response><Message>${escapeXml(message)}</Message></Response>` : "<Response/>";
  return `<?xml version="1.0" encoding="UTF-8"?>${body}`;
}
