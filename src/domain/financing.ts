import { z } from "zod";

/** The financing we offer (data/financing.json): one fixed annual rate, the terms, the minimum down payment. */
export const FinancingTerms = z.object({
  annual_rate: z.number().positive().max(1),
  terms_months: z.array(z.number().int().positive()).min(1),
  min_down_payment_share: z.number().min(0).max(1),
  /** What the customer reads when a simulation is refused; {{placeholders}} filled with the figures. */
  refusals: z.object({
    down_payment_below_minimum: z.string(),
    term_not_offered: z.string(),
    down_payment_covers_price: z.string(),
  }),
});
export type FinancingTerms = z.infer<typeof FinancingTerms>;

export const FinancingRequest = z.object({
  /** Pesos. */
  price: z.number().positive(),
  /** Pesos. */
  downPayment: z.number().nonnegative(),
  /** Absent: every term we offer. */
  termMonths: z.number().int().positive().optional(),
});
export type FinancingRequest = z.infer<typeof FinancingRequest>;
