import { z } from "zod";
import { FinancingRequest, type FinancingTerms } from "../../domain/financing.js";
import { interpolate } from "../../domain/fill.js";
import { formatPesos } from "../amounts.js";

export const FinancingPlan = z.object({
  term_months: z.number().int(),
  monthly_payment_cents: z.number().int(),
  /** Monthly payment × term + down payment. */
  total_paid_cents: z.number().int(),
  /** Monthly payment × term − amount financed. */
  total_interest_cents: z.number().int(),
});
export type FinancingPlan = z.infer<typeof FinancingPlan>;

export const FinancingRefusal = z.object({
  code: z.enum(["down_payment_below_minimum", "term_not_offered", "down_payment_covers_price"]),
  message: z.string(),
  minimum_down_payment_cents: z.number().int().optional(),
  offered_terms: z.array(z.number().int()).optional(),
});
export type FinancingRefusal = z.infer<typeof FinancingRefusal>;

export const FinancingResult = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    price_cents: z.number().int(),
    down_payment_cents: z.number().int(),
    financed_cents: z.number().int(),
    annual_rate: z.number(),
    plans: z.array(FinancingPlan),
  }),
  z.object({ ok: z.literal(false), refusals: z.array(FinancingRefusal).min(1) }),
]);
export type FinancingResult = z.infer<typeof FinancingResult>;

const toCents = (pesos: number) => Math.round(pesos * 100);

/**
 * Standard amortisation at a fixed rate: monthly rate r = annual ÷ 12, payment = P·r / (1 − (1 + r)^−n).
 * Amounts are integer centavos: the price and down payment are taken to the centavo, the monthly payment is
 * rounded to the nearest centavo once, and every total is built from that rounded payment (total paid =
 * payment × n + down payment), so the figures a customer reads add up exactly. The last instalment's
 * sub-centavo difference from a true schedule is not modelled.
 */
export function simulateFinancing(terms: FinancingTerms, input: z.input<typeof FinancingRequest>): FinancingResult {
  const req = FinancingRequest.parse(input);
  const price = toCents(req.price);
  const down = toCents(req.downPayment);
  const refusals: FinancingRefusal[] = [];
  // The minimum is rounded up: a down payment a centavo short of the share is short.
  const minimum = Math.ceil(price * terms.min_down_payment_share);
  if (down >= price)
    refusals.push({
      code: "down_payment_covers_price",
      message: interpolate(terms.refusals.down_payment_covers_price, { down_payment: formatPesos(down), price: formatPesos(price) }),
    });
  else if (down < minimum)
    refusals.push({
      code: "down_payment_below_minimum",
      message: interpolate(terms.refusals.down_payment_below_minimum, {
        share: `${Math.round(terms.min_down_payment_share * 100)}%`,
        minimum: formatPesos(minimum),
      }),
      minimum_down_payment_cents: minimum,
    });
  if (req.termMonths !== undefined && !terms.terms_months.includes(req.termMonths))
    refusals.push({
      code: "term_not_offered",
      message: interpolate(terms.refusals.term_not_offered, { terms: listTerms(terms.terms_months) }),
      offered_terms: [...terms.terms_months],
    });
  if (refusals.length > 0) return { ok: false, refusals };

  const financed = price - down;
  const r = terms.annual_rate / 12;
  const plans = (req.termMonths === undefined ? terms.terms_months : [req.termMonths]).map((n) => {
    const payment = Math.round((financed * r) / (1 - (1 + r) ** -n));
    return { term_months: n, monthly_payment_cents: payment, total_paid_cents: payment * n + down, total_interest_cents: payment * n - financed };
  });
  return { ok: true, price_cents: price, down_payment_cents: down, financed_cents: financed, annual_rate: terms.annual_rate, plans };
}

/** "36, 48, 60 o 72". */
function listTerms(terms: readonly number[]): string {
  return terms.length === 1 ? String(terms[0]) : `${terms.slice(0, -1).join(", ")} o ${terms[terms.length - 1]}`;
}
