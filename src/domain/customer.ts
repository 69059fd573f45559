import { z } from "zod";
import { IssueBucket, Segment, isVocalSegment } from "./segment.js";

export const CHANNELS = ["whatsapp", "email", "telefono", "sms"] as const;
export const Channel = z.enum(CHANNELS);

/** Column order of the customer CSV, import and export alike. */
export const CUSTOMER_COLUMNS = [
  "customer_id",
  "segment",
  "is_vocal",
  "last_purchase_days",
  "price",
  "issues_flag",
  "past_nps",
  "first_message",
  "channel_pref",
  "churn_risk_est",
  "issue_bucket",
  "mini_story",
] as const;

export const Customer = z
  .object({
    customer_id: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only"),
    segment: Segment,
    is_vocal: z.boolean(),
    last_purchase_days: z.number().int().min(0).max(3650),
    price: z.number().positive().max(10_000_000),
    issues_flag: z.number().int().min(0).max(1),
    past_nps: z.number().int().min(0).max(10),
    first_message: z.string().max(2000),
    channel_pref: Channel,
    churn_risk_est: z.number().min(0).max(1),
    issue_bucket: IssueBucket,
    mini_story: z.string().max(1000),
  })
  .superRefine((c, ctx) => {
    if (c.is_vocal !== isVocalSegment(c.segment)) {
      ctx.addIssue({ code: "custom", path: ["is_vocal"], message: `must be ${isVocalSegment(c.segment)} for segment ${c.segment}` });
    }
    if (c.is_vocal && c.first_message.trim() === "") {
      ctx.addIssue({ code: "custom", path: ["first_message"], message: "a vocal customer needs a first message" });
    }
  });
export type Customer = z.infer<typeof Customer>;

/** "row 3: price: Too small …" — the first problem of a failed parse, naming the field. */
export function describeIssues(error: z.ZodError, prefix = ""): string {
  return error.issues
    .map((i) => `${prefix}${i.path.length ? i.path.join(".") : "(record)"}: ${i.message}`)
    .join("; ");
}
