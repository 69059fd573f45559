import { z } from "zod";

export const SafetyRules = z.object({
  compensation_cap_mxn: z.number().positive(),
  max_words: z.object({ responder: z.number().int().positive(), outreach: z.number().int().positive() }),
  blame: z.array(z.string()),
  impossible_promises: z.array(z.string()),
  compensation_words: z.array(z.string()),
  sla_patterns: z.array(z.string()),
  giveaways: z.array(z.string()),
  /** Regexes over the match form: a give-away the templates make on purpose (a capped coupon, a covered repair). */
  giveaway_exceptions: z.array(z.string()),
  internal_references: z.array(z.string()),
  /** Regexes over the text as written (case matters for environment variable names). */
  data_leak_patterns: z.array(z.string()),
  /** A draft sharing this many consecutive words with one of our prompts leaks it. */
  prompt_run_words: z.number().int().min(4),
  /** A draft sharing this many consecutive words with the customer's message echoes it, or all of a shorter message… */
  echo_run_words: z.number().int().min(3),
  /** …of at least this many words. */
  echo_min_words: z.number().int().min(1),
  injection_markers: z.array(z.string()),
  /** Asking the customer for what lets someone take their money (a NIP, a card's CVV, a code sent by SMS). */
  credential_requests: z.array(z.string()),
  /** Regexes over the link form: no template carries a link, and one a model writes may lead anywhere. */
  link_patterns: z.array(z.string()),
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

const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s" };
/** Cyrillic and Greek letters that look Latin (NFKC leaves them be). */
const LOOKALIKE: Record<string, string> = {
  а: "a", е: "e", о: "o", р: "p", с: "c", у: "y", х: "x", і: "i", ј: "j", ѕ: "s", к: "k", м: "m", т: "t", в: "b", н: "h",
  α: "a", ε: "e", ο: "o", ρ: "p", ι: "i", κ: "k", ν: "v", τ: "t", υ: "u", χ: "x",
};

/** normalize's form of the text as a person reads it: full-width letters folded, invisible characters gone. */
export function linkForm(text: string): string {
  return normalize(text.normalize("NFKC").replace(/[\u00ad\u200b-\u200f\u2060\ufeff]/g, ""));
}

/**
 * The form phrase lists are matched in: normalize's, plus the tricks that keep a word readable to a
 * person but not to a substring search — zero-width characters, full-width and Cyrillic or Greek look-alike letters, digits for letters
 * ("gr4tis"), punctuation ("g.r.a.t.i.s") and spaced-out letters ("g r a t i s"). Only "%" and "$"
 * survive as tokens of their own, for the percentage and amount phrases.
 */
export function matchForm(text: string): string {
  return linkForm(text)
    .replace(/[\u0370-\u04ff]/g, (c) => LOOKALIKE[c] ?? c)
    .replace(/(?<=\p{L})[0134357@$](?=\p{L})/gu, (c) => LEET[c] ?? c)
    .replace(/[%$]/g, " $& ")
    .replace(/[^\p{L}\p{N}%$]+/gu, " ")
    .replace(/(?<![\p{L}\p{N}])\p{L}(?: \p{L}(?![\p{L}\p{N}])){2,}/gu, (run) => run.replace(/ /g, ""))
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The first phrase that starts a word of a match-form text (so "promet" finds "prometemos", not
 * "comprometemos"); also written solid, as spaced-out letters join up ("s i n  c o s t o").
 */
export function findPhrase(form: string, phrases: readonly string[]): string | undefined {
  const padded = ` ${form} `;
  return phraseForms(phrases).find(([, spaced, solid]) => padded.includes(spaced) || padded.includes(solid))?.[0];
}

const formsOf = new WeakMap<readonly string[], Array<[phrase: string, spaced: string, solid: string]>>();
/** A list's phrases in match form, worked out once per list (the rule files are loaded once). */
function phraseForms(phrases: readonly string[]) {
  let forms = formsOf.get(phrases);
  if (!forms) {
    forms = phrases.map((p) => {
      const form = matchForm(p);
      return [p, ` ${form}`, ` ${form.replace(/ /g, "")}`];
    });
    formsOf.set(phrases, forms);
  }
  return forms;
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

/** An amount as people write it: thousands grouped by ",", "." or a space ("$5 000", "$5.000"), or "mil" / "k" ("$1.5 mil"). */
const AMOUNT = String.raw`(\d{1,3}(?:[,. ]\d{3})+|\d+)(\.\d+)?(?:\s*(mil\b|k\b))?`;
const MONEY = new RegExp(String.raw`\$\s?${AMOUNT}|${AMOUNT}\s*(?:mxn|pesos)`, "g");

/** Largest money amount (MXN) offered in a sentence that also speaks of compensation. */
export function maxCompensation(text: string, compensationWords: readonly string[]): number {
  let max = 0;
  // Sentences end at ". " and the like, not at a "." inside "$5.000".
  for (const sentence of normalize(text).split(/[.!?](?!\d)|\n/)) {
    if (!containsAny(sentence, compensationWords)) continue;
    for (const m of sentence.matchAll(MONEY)) {
      const [whole, fraction, thousands] = m[1] !== undefined ? [m[1], m[2], m[3]] : [m[4]!, m[5], m[6]];
      const amount = Number(whole.replace(/[,. ]/g, "") + (fraction ?? "")) * (thousands ? 1000 : 1);
      if (amount > max) max = amount;
    }
  }
  return max;
}

// Card and phone numbers have their own module, shared with the logger, storage and the model boundary.
export { findPii, redactPii } from "./pii.js";

/** Every run of n consecutive words of the texts, in match form. */
export function wordRuns(texts: readonly string[], n: number): Set<string> {
  const runs = new Set<string>();
  for (const text of texts) {
    const w = matchForm(text).split(" ");
    for (let i = 0; i + n <= w.length; i++) runs.add(w.slice(i, i + n).join(" "));
  }
  return runs;
}

/** A run of n consecutive words of the text that is also in `runs`, if any. */
export function sharedRun(text: string, runs: ReadonlySet<string>, n: number): string | undefined {
  for (const run of wordRuns([text], n)) if (runs.has(run)) return run;
  return undefined;
}
