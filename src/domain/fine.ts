import { z } from "zod";

export const Fine = z.object({
  /** Centavos. */
  amount_cents: z.number().int().positive(),
  date: z.iso.date(),
  reason: z.string().min(1),
  status: z.enum(["pending", "paid"]),
});
export type Fine = z.infer<typeof Fine>;

/** A plate shape as letters (L) and digits (D) with its separators ("LLL-DDD-L"), and why it is accepted. */
export const PlateFormat = z.object({
  shape: z.string().regex(/^[LD]+(-[LD]+)*$/),
  example: z.string().min(1),
  why: z.string().min(1),
});
export type PlateFormat = z.infer<typeof PlateFormat>;

/** The offline provider's sample (data/fines-sample.json): invented plates and their fines. */
export const FinesSample = z.object({
  /** Where the answer comes from, as the customer reads it. */
  source: z.string().min(1),
  plates: z.record(z.string(), z.array(Fine)),
});
export type FinesSample = z.infer<typeof FinesSample>;

/** What a customer reads about a lookup (prompts/fines/texts.es-MX.json); {{placeholders}} filled with its facts. */
export const FinesTexts = z.object({
  plate_unreadable: z.string(),
  not_found: z.string(),
  no_pending: z.string(),
  fines: z.string(),
});
export type FinesTexts = z.infer<typeof FinesTexts>;
