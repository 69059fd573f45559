import { z } from "zod";

export const TEMPLATE_IDS = ["empatiko", "tecnico", "cupon", "escalar", "seguimiento"] as const;
export const TemplateId = z.enum(TEMPLATE_IDS);
export type TemplateId = z.infer<typeof TemplateId>;

export const SLOTS = ["saludo", "reconocimiento", "accion", "siguiente_paso", "firma"] as const;
export type Slot = (typeof SLOTS)[number];

export const MODES = ["responder", "outreach"] as const;
export const Mode = z.enum(MODES);
export type Mode = z.infer<typeof Mode>;

const PerBucket = z.object({
  finanzas: z.string().min(1),
  mecanica: z.string().min(1),
  logistica: z.string().min(1),
  atencion: z.string().min(1),
});
/** A slot's text: the same for every issue bucket, or one per bucket. */
const SlotText = z.union([z.string().min(1), PerBucket]);
export type SlotText = z.infer<typeof SlotText>;
const Slots = z.object({
  saludo: SlotText,
  reconocimiento: SlotText,
  accion: SlotText,
  siguiente_paso: SlotText,
  firma: SlotText,
});

export const Template = z.object({
  id: TemplateId,
  name: z.string(),
  description: z.string(),
  guardrails: z.object({
    requires_sla: z.boolean(),
    apology: z.boolean(),
    /** What this template itself offers; the safety cap applies on top. */
    compensation_mxn: z.number().min(0),
  }),
  /** Replying to a customer who wrote. */
  slots: Slots,
  /** Proactive outreach to a silent customer: the slots that differ. */
  outreach: Slots.partial(),
  /** Sent instead when a draft fails a fixable guardrail. */
  fallback: z.string().min(1),
});
export type Template = z.infer<typeof Template>;
