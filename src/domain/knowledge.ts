import { z } from "zod";

/** One passage of the company's knowledge base (data/kb/passages.json): what the agent may say, and nothing more. */
export const KbPassage = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  /** What may be quoted to a customer; {{placeholders}} are filled from the settings they name (financing, hubs). */
  text: z.string().min(1),
  /** How customers ask for it: indexed for retrieval, never quoted. */
  questions: z.array(z.string()),
});
export type KbPassage = z.infer<typeof KbPassage>;

/** How questions are matched against passages (data/kb/search.json). */
export const KbSearchSettings = z.object({
  /** A best passage scoring below this is "not in the base". */
  threshold: z.number().nonnegative(),
  /** Terms are cut to this many letters after a plural is dropped: a crude stemmer ("regresar", "regreso"). */
  stem_length: z.number().int().min(3),
  stopwords: z.array(z.string()),
  /** Colloquial words read as the base's word ("carro" → "auto"), accent-free. */
  synonyms: z.record(z.string(), z.string()),
});
export type KbSearchSettings = z.infer<typeof KbSearchSettings>;
