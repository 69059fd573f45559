/**
 * Card and phone numbers in free text: found for the safety rules, masked for logs, storage and models.
 * The only copy of these patterns.
 */

export type PiiKind = "card" | "phone";
export interface PiiMatch {
  kind: PiiKind;
  match: string;
  index: number;
}

/**
 * A run of digits with the separators people type (dashes too, as phones autocorrect them). It must stand
 * alone: a digit, letter, "-", "_" or "$" before it, or a digit, letter, "-", "_" or ":" and a digit after
 * it, makes it part of something else — a UUID or request id, a folio, a hash, a price, the date of a
 * timestamp before its time.
 */
const NUMBER = /(?<![\p{L}\p{N}_$-])\+?\(?\d[\d\s().\u2010-\u2015-]{8,24}\d(?![\p{L}\p{N}_-]|:\d)/gu;
/** Where a run may be cut when its whole does not read as a number: "pedido 12 55 1234 5678". */
const GAP = /\s+/;

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

function kindOf(digits: string): PiiKind | undefined {
  if (digits.length === 13 && digits.startsWith("521")) return "phone";
  if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return "card";
  return isPhone(digits) ? "phone" : undefined;
}

/** The run, or else its longest tail after a space, that reads as a card or phone. */
function classify(run: string, index: number): PiiMatch | undefined {
  const kind = kindOf(run.replace(/\D/g, ""));
  if (kind) return { kind, match: run, index };
  const gap = GAP.exec(run);
  if (!gap) return undefined;
  const start = gap.index + gap[0].length;
  const rest = run.slice(start);
  return rest.replace(/\D/g, "").length >= 10 ? classify(rest, index + start) : undefined;
}

/** Card numbers (13–19 digits passing Luhn) and phone numbers in a text, whatever the separators. */
export function findPii(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const run = m[0].trimEnd();
    const hit = classify(run, m.index);
    if (hit) found.push(hit);
  }
  return found;
}

/** A card keeps its last four digits (enough to talk about a charge); a phone keeps nothing. */
function mask({ kind, match }: PiiMatch): string {
  return kind === "card" ? `**** **** **** ${match.replace(/\D/g, "").slice(-4)}` : "[teléfono]";
}

/** The text with every card and phone number masked; identifiers, dates and prices untouched. */
export function redactPii(text: string): string {
  let out = "";
  let at = 0;
  for (const hit of findPii(text)) {
    out += text.slice(at, hit.index) + mask(hit);
    at = hit.index + hit.match.length;
  }
  return out + text.slice(at);
}
