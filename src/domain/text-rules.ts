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

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Mexican numbers: 10 digits, +52 and 12, the old mobile +52 1 and 13 (WhatsApp ids); +1 and 11. */
function isPhone(digits: string): boolean {
  return (
    digits.length === 10 ||
    (digits.length === 12 && digits.startsWith("52")) ||
    (digits.length === 13 && digits.startsWith("521")) ||
    (digits.length === 11 && digits.startsWith("1"))
  );
}

/** Card numbers (13–19 digits passing Luhn) and phone numbers in a text, whatever the separators. */
export function findPii(text: string): Array<{ kind: "card" | "phone"; match: string }> {
  const found: Array<{ kind: "card" | "phone"; match: string }> = [];
  for (const m of text.matchAll(/\+?\(?\d[\d\s().-]{8,24}\d/g)) {
    const match = m[0].trim();
    const digits = match.replace(/\D/g, "");
    if (digits.length === 13 && digits.startsWith("521")) found.push({ kind: "phone", match });
    else if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) found.push({ kind: "card", match });
    else if (isPhone(digits)) found.push({ kind: "phone", match });
  }
  return found;
}

/** Replaces card-like and phone-like numbers, for logs. */
export function redactPii(text: string): string {
  let out = text;
  for (const { kind, match } of findPii(text)) out = out.replace(match, kind === "card" ? "[tarjeta]" : "[teléfono]");
  return out;
}

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
