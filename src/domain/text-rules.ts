import { z } from "zod";

export const SafetyRules = z.object({
  compensation_cap_mxn: z.number().positive(),
  max_words: z.object({ responder: z.number().int().positive(), outreach: z.number().int().positive() }),
  blame: z.array(z.string()),
  impossible_promises: z.array(z.string()),
  compensation_words: z.array(z.string()),
  sla_patterns: z.array(z.string()),
  injection_markers: z.array(z.string()),
  blacklist: z.array(z.string()),
  severity: z.record(z.string(), z.enum(["fixable", "severe"])),
});
export type SafetyRules = z.infer<typeof SafetyRules>;

/** Lower case, no accents, single spaces: phrase lists are written in this form. */
export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

export function containsAny(normalized: string, phrases: readonly string[]): string | undefined {
  return phrases.find((p) => normalized.includes(p));
}

export function wordCount(text: string): number {
  const words = text.trim().split(/\s+/);
  return words[0] === "" ? 0 : words.length;
}

export function hasSla(normalized: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => new RegExp(p, "u").test(normalized));
}

/** Largest money amount (MXN) offered in a sentence that also speaks of compensation. */
export function maxCompensation(text: string, compensationWords: readonly string[]): number {
  let max = 0;
  for (const sentence of normalize(text).split(/[.!?\n]/)) {
    if (!containsAny(sentence, compensationWords)) continue;
    for (const m of sentence.matchAll(/\$\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s*(?:mxn|pesos)/g)) {
      const amount = Number((m[1] ?? m[2] ?? "0").replace(/,/g, ""));
      if (amount > max) max = amount;
    }
  }
  return max;
}

// Card and phone numbers have their own module, shared with the logger, storage and the model boundary.
export { findPii, redactPii } from "./pii.js";

/** Word n-grams shared by two texts: a draft that repeats a long stretch of the customer's words echoes them. */
export function sharesRun(a: string, b: string, n = 6): boolean {
  const grams = (t: string) => {
    const w = normalize(t).replace(/[^\p{L}\p{N} ]/gu, "").split(" ");
    const s = new Set<string>();
    for (let i = 0; i + n <= w.length; i++) s.add(w.slice(i, i + n).join(" "));
    return s;
  };
  const ga = grams(a);
  for (const g of grams(b)) if (ga.has(g)) return true;
  return false;
}
