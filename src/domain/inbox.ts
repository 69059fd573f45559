import { z } from "zod";

/** The agents' inbox settings (data/inbox.json; why each value, there). */
export const InboxSettings = z
  .object({
    sla: z.object({ amber_minutes: z.number().positive(), red_minutes: z.number().positive() }),
    page_size: z.number().int().min(1).max(200),
    reasons: z.record(z.string(), z.string()),
    channels: z.record(z.string(), z.string()),
    graphs: z.record(z.string(), z.string()),
  })
  .refine((s) => s.sla.amber_minutes < s.sla.red_minutes, { message: "sla.amber_minutes must be below sla.red_minutes", path: ["sla"] });
export type InboxSettings = z.infer<typeof InboxSettings>;

/** A reply a person can drop into the message box (data/canned-replies.json). */
export const CannedReply = z.object({ id: z.string().regex(/^[a-z0-9-]+$/), title: z.string().min(1).max(60), text: z.string().min(1).max(1600) });
export type CannedReply = z.infer<typeof CannedReply>;
export const CannedReplies = z.array(CannedReply).refine((r) => new Set(r.map((x) => x.id)).size === r.length, { message: "ids must be unique" });

export type SlaLevel = "ok" | "amber" | "red";

/** How late a hand-off waiting `waitedMs` is against the service level. */
export function slaLevel(waitedMs: number, sla: InboxSettings["sla"]): SlaLevel {
  const minutes = waitedMs / 60_000;
  return minutes >= sla.red_minutes ? "red" : minutes >= sla.amber_minutes ? "amber" : "ok";
}

/** A wait as a person reads it: "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function waitText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
