/**
 * Amounts as Mexican customers write them, read from normalize()d text (lower case, no accents): "$250,000",
 * "250 mil", "250k", "1.2 millones", "medio millon", "300 mil pesos". A plain number counts as money only
 * with a "$", a unit, "pesos", or five digits or more: "a 48" or "serie 3" is no amount.
 */
export interface Amount {
  value: number;
  start: number;
  end: number;
  /** The number carried a unit of its own (mil, k, millones, $ or pesos), not borrowed from a neighbour. */
  unit: boolean;
  /** The bare number as written, before any unit ("300" in "entre 300 y 350 mil"). */
  raw: number;
}

const NUMBER = String.raw`(\$\s*)?(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?![.,]?\d)|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?(?![.,]?\d)|\d+(?:[.,]\d{1,2})?)\s*(millones|millon|mdp|mil|k\b)?(\s*(?:de\s+)?(?:pesos|mxn|varos))?`;

const WORDS: Array<[RegExp, number]> = [
  [/\b(?:un )?millon y medio\b/g, 1_500_000],
  [/\bmedio millon\b/g, 500_000],
  [/\bun millon\b/g, 1_000_000],
];

/** Every amount of money in the text, in order. */
export function moneyAmounts(text: string): Amount[] {
  const out: Amount[] = [];
  const taken = (start: number) => out.some((a) => start >= a.start && start < a.end);
  for (const [re, value] of WORDS)
    for (const m of text.matchAll(re)) if (!taken(m.index)) out.push({ value, start: m.index, end: m.index + m[0].length, unit: true, raw: value });
  for (const m of text.matchAll(new RegExp(NUMBER, "g"))) {
    const start = m.index;
    if (taken(start)) continue;
    const raw = readNumber(m[2]!);
    const unit = m[3];
    const scale = unit === undefined ? 1 : unit.startsWith("mill") || unit === "mdp" ? 1_000_000 : 1_000;
    const explicit = m[1] !== undefined || unit !== undefined || m[4] !== undefined;
    if (!explicit && raw < 10_000) {
      // Kept for a range's first end ("entre 300 y 350 mil"); the caller decides whether it is money.
      out.push({ value: raw, start, end: start + m[0].length, unit: false, raw });
      continue;
    }
    out.push({ value: Math.round(raw * scale * 100) / 100, start, end: start + m[0].length, unit: explicit, raw });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Money for sure: a number without a unit below 10,000 is only a range's first end or no amount at all. */
export const isMoney = (a: Amount) => a.unit || a.value >= 10_000;

/** "250,000" and "250.000" are thousands; "1.5" and "1,5" are decimals. */
function readNumber(s: string): number {
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$/.test(s)) return Number(s.replace(/,/g, ""));
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$/.test(s)) return Number(s.replace(/\./g, "").replace(",", "."));
  return Number(s.replace(",", "."));
}

/** A counted amount of something: "50 mil km", "50,000 kilometros", "60 meses". */
export function unitAmount(text: string, unit: RegExp): Amount[] {
  const re = new RegExp(String.raw`(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s*(mil|k)?\s*(?:${unit.source})`, "g");
  return [...text.matchAll(re)].map((m) => {
    const raw = readNumber(m[1]!);
    const value = Math.round(raw * (m[2] ? 1000 : 1));
    return { value, start: m.index, end: m.index + m[0].length, unit: true, raw };
  });
}

const PESOS = new Intl.NumberFormat("es-MX", { style: "currency", currency: "MXN", minimumFractionDigits: 2 });

/** Centavos as a customer reads them: "$5,706.59". */
export function formatPesos(cents: number): string {
  return PESOS.format(cents / 100);
}

const KM = new Intl.NumberFormat("es-MX", { maximumFractionDigits: 0 });

/** Kilometres as a customer reads them: "45,837 km". */
export function formatKm(km: number): string {
  return `${KM.format(km)} km`;
}
