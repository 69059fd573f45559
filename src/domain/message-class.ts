import { z } from "zod";
import { IssueBucket, ISSUE_BUCKETS } from "./segment.js";
import { normalize } from "./text-rules.js";

export const ClassifierKeywords = z.object({
  angry: z.array(z.string()),
  issues: z.record(IssueBucket, z.array(z.string())),
  whatsapp_defaults: z.object({
    last_purchase_days: z.number().int().min(0),
    price: z.number().positive(),
    past_nps: z.number().int().min(0).max(10),
    churn_risk_est: z.number().min(0).max(1),
    mini_story: z.string(),
  }),
  /** What stands in a message for what is not text. */
  whatsapp_texts: z.object({ attachments: z.string(), empty_body: z.string() }),
});
export type ClassifierKeywords = z.infer<typeof ClassifierKeywords>;

export interface MessageClass {
  angry: boolean;
  issue: IssueBucket;
}

/**
 * The offline classifier of an inbound message: mood and issue bucket by keyword counts (stems,
 * accent-free). Ties and no match fall to "atencion", the bucket for everything about the service.
 */
export function classifyMessage(text: string, k: ClassifierKeywords): MessageClass {
  const t = normalize(text);
  const count = (words: readonly string[]) => words.reduce((n, w) => n + (t.includes(w) ? 1 : 0), 0);
  let issue: IssueBucket = "atencion";
  let best = 0;
  for (const b of ISSUE_BUCKETS) {
    const n = count(k.issues[b]);
    if (n > best) (best = n), (issue = b);
  }
  const exclaims = (text.match(/!/g) ?? []).length;
  return { angry: count(k.angry) > 0 || exclaims >= 2, issue };
}
