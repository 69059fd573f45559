import { formatKm, formatPesos } from "../../tools/index.js";
import { isMoney, moneyAmounts, unitAmount } from "../../tools/amounts.js";
import { blank, normalize } from "../../tools/text.js";
import type { Slots } from "../../domain/conversation.js";

const KM = /km|kms|kilometros|kilometraje/;

/** The money (in centavos) and km figures a text states; km first, so "45,837 km" is no price. */
export function figures(text: string): { cents: number[]; km: number[] } {
  let t = ` ${normalize(text)} `;
  const km = unitAmount(t, KM);
  for (const a of km) t = blank(t, a.start, a.end);
  return { km: km.map((a) => a.value), cents: moneyAmounts(t).filter(isMoney).map((a) => Math.round(a.value * 100)) };
}

/** A text's figures as facts, formatted as a reply states them. */
export function factsOf(text: string): string[] {
  const f = figures(text);
  return [...f.cents.map(formatPesos), ...f.km.map(formatKm)];
}

export interface Grounding {
  ok: boolean;
  /** The figures of the reply that no fact backs, as the customer would read them. */
  unsupported: string[];
}

/**
 * Whether every price, payment and km figure of a reply is one of the facts: figures this turn's tools
 * produced, or the state's slots. A reply stating any other figure is refused, whoever wrote it.
 */
export function groundReply(reply: string, facts: readonly string[]): Grounding {
  const allowed = figures(facts.join("\n"));
  const cents = new Set(allowed.cents);
  const km = new Set(allowed.km);
  const said = figures(reply);
  const unsupported = [...said.cents.filter((c) => !cents.has(c)).map(formatPesos), ...said.km.filter((k) => !km.has(k)).map(formatKm)];
  return { ok: unsupported.length === 0, unsupported };
}

/** The figures the state's slots back: the chosen car's price and km, the budget, the down payment. */
export function slotFacts(slots: Slots): string[] {
  const out: string[] = [];
  if (slots.car) out.push(formatPesos(Math.round(slots.car.price * 100)), formatKm(slots.car.km));
  if (slots.budget_max_cents !== undefined) out.push(formatPesos(slots.budget_max_cents));
  if (slots.down_payment_cents !== undefined) out.push(formatPesos(slots.down_payment_cents));
  return out;
}
