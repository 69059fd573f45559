import { isMoney, moneyAmounts, unitAmount } from "../amounts.js";
import { blank, normalize } from "../text.js";

/** What a message says about a financing: any of the three, each only when the text says it. Pesos. */
export interface FinancingSlots {
  downPayment?: number;
  /** "20% de enganche": a share of a price the message may not give. */
  downPaymentShare?: number;
  termMonths?: number;
  price?: number;
}

const DOWN_BEFORE = /(?:enganche|pago inicial|de entrada|entrada de|doy|daria|dar|pongo|pondria|adelanto|anticipo)(?:\s+(?:de|del|con|seria|es|como|unos|de unos))*\s*$/;
const DOWN_AFTER = /^\s*(?:de|como|para el|para)\s+(?:enganche|entrada|pago inicial|anticipo)/;
const PRICE_BEFORE = /(?:precio|cuesta|vale|valor|auto de|carro de|coche de|un auto de|uno de)(?:\s+(?:de|del|es|es de))*\s*$/;

/**
 * Reads the financing slots from a customer's Spanish: "enganche de 50 mil", "con 50 mil de enganche",
 * "a 60 meses", "mejor a 48", "a 4 años", "20% de enganche". A term the text gives is returned even when we
 * do not offer it: the simulation refuses it and says which we do.
 */
export function parseFinancing(text: string): FinancingSlots {
  let t = ` ${normalize(text)} `;
  const out: FinancingSlots = {};
  for (const a of unitAmount(t, /meses|mensualidades|mes\b/)) (out.termMonths = a.value), (t = blank(t, a.start, a.end));
  for (const a of unitAmount(t, /anos|ano\b/)) (out.termMonths = a.value * 12), (t = blank(t, a.start, a.end));
  // A bare "a 48" or "plazo de 60": a number of months that no unit follows.
  const bare = /\b(?:a|plazo de|plazo|mejor a|mejor)\s+(\d{2})\b(?!\s*(?:%|mil|k\b|pesos|por ciento|,\d|\.\d))/.exec(t);
  if (bare) (out.termMonths = Number(bare[1])), (t = blank(t, bare.index, bare.index + bare[0].length));
  const share = /(\d{1,2}(?:[.,]\d+)?)\s*(?:%|por ciento)/.exec(t);
  if (share && /enganche|entrada|inicial|anticipo/.test(t)) {
    out.downPaymentShare = Number(share[1]!.replace(",", ".")) / 100;
    t = blank(t, share.index, share.index + share[0].length);
  }
  const amounts = moneyAmounts(t).filter(isMoney);
  for (const a of amounts) {
    const before = t.slice(Math.max(0, a.start - 30), a.start);
    const after = t.slice(a.end, a.end + 30);
    if (PRICE_BEFORE.test(before)) out.price = a.value;
    else if (DOWN_BEFORE.test(before) || DOWN_AFTER.test(after)) out.downPayment = a.value;
  }
  // One amount in a message about the down payment is the down payment ("el enganche serían 50 mil").
  if (out.downPayment === undefined && out.price === undefined && amounts.length === 1 && /enganche|entrada|anticipo/.test(t))
    out.downPayment = amounts[0]!.value;
  return out;
}
