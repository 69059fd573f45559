import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadFinancingTerms } from "../../src/store/assets.js";
import { formatPesos, moneyAmounts } from "../../src/tools/amounts.js";
import { parseFinancing } from "../../src/tools/financing/parse.js";
import { simulateFinancing } from "../../src/tools/financing/simulate.js";

const terms = loadFinancingTerms();

describe("data/financing.json", () => {
  it("offers 10% a year, 36 to 72 months, from 10% down", () => {
    expect(terms).toMatchObject({ annual_rate: 0.1, terms_months: [36, 48, 60, 72], min_down_payment_share: 0.1 });
  });
});

describe("simulateFinancing", () => {
  /*
   * By hand (bc -l, 40 digits), price 250,000, down 25,000: P = 225,000.00 = 22,500,000 centavos,
   * r = 0.10 / 12 = 0.0083333…
   *   48 months: (1 + r)^48 = 1.4893540986…; P·r·f/(f − 1) = 187,500 · 1.4893540986 / 0.4893540986
   *              = 570,658.127 centavos → $5,706.58 a month; × 48 = 27,391,584; + 2,500,000 down = $298,915.84;
   *              interest 27,391,584 − 22,500,000 = $48,915.84.
   *   36 months: (1 + r)^36 = 1.3481818424… → 726,011.712 → $7,260.12; × 36 = 26,136,432 + 2,500,000 = $286,364.32.
   *   60 months: (1 + r)^60 = 1.6453089348… → 478,058.506 → $4,780.59 (rounded up); × 60 = 28,683,540 + 2,500,000 = $311,835.40.
   *   72 months: (1 + r)^72 = 1.8175942802… → 416,831.350 → $4,168.31; × 72 = 30,011,832 + 2,500,000 = $325,118.32.
   */
  it("the four terms for 250,000 with 25,000 down, to the centavo", () => {
    const r = simulateFinancing(terms, { price: 250_000, downPayment: 25_000 });
    expect(r).toEqual({
      ok: true,
      price_cents: 25_000_000,
      down_payment_cents: 2_500_000,
      financed_cents: 22_500_000,
      annual_rate: 0.1,
      plans: [
        { term_months: 36, monthly_payment_cents: 726_012, total_paid_cents: 28_636_432, total_interest_cents: 3_636_432 },
        { term_months: 48, monthly_payment_cents: 570_658, total_paid_cents: 29_891_584, total_interest_cents: 4_891_584 },
        { term_months: 60, monthly_payment_cents: 478_059, total_paid_cents: 31_183_540, total_interest_cents: 6_183_540 },
        { term_months: 72, monthly_payment_cents: 416_831, total_paid_cents: 32_511_832, total_interest_cents: 7_511_832 },
      ],
    });
    expect(formatPesos(570_658)).toBe("$5,706.58");
  });

  /*
   * Price 400,000, down exactly the 10% minimum (40,000), 60 months: P = 36,000,000 centavos;
   * 300,000 · 1.6453089348 / 0.6453089348 = 764,893.610 → $7,648.94; × 60 = 45,893,640 + 4,000,000 = $498,936.40.
   */
  it("one term, with the minimum down payment exactly", () => {
    const r = simulateFinancing(terms, { price: 400_000, downPayment: 40_000, termMonths: 60 });
    expect(r.ok && r.plans).toEqual([{ term_months: 60, monthly_payment_cents: 764_894, total_paid_cents: 49_893_640, total_interest_cents: 9_893_640 }]);
  });

  it("refuses a down payment under 10%, saying the minimum in pesos", () => {
    const r = simulateFinancing(terms, { price: 400_000, downPayment: 39_999.99 });
    expect(r).toEqual({
      ok: false,
      refusals: [{ code: "down_payment_below_minimum", minimum_down_payment_cents: 4_000_000, message: "El enganche mínimo es el 10% del precio: $40,000.00." }],
    });
    // A minimum with a fraction of a centavo is rounded up: 10% of 123,456.74 is 12,345.674.
    const odd = simulateFinancing(terms, { price: 123_456.74, downPayment: 12_345.67 });
    expect(!odd.ok && odd.refusals[0]!.minimum_down_payment_cents).toBe(1_234_568);
  });

  it("refuses a term we do not offer, listing the ones we do, and gives every reason at once", () => {
    const r = simulateFinancing(terms, { price: 250_000, downPayment: 10_000, termMonths: 24 });
    expect(!r.ok && r.refusals.map((x) => x.code)).toEqual(["down_payment_below_minimum", "term_not_offered"]);
    expect(!r.ok && r.refusals[1]).toEqual({
      code: "term_not_offered",
      offered_terms: [36, 48, 60, 72],
      message: "Ese plazo no lo tenemos; los plazos son de 36, 48, 60 o 72 meses.",
    });
  });

  it("refuses a down payment that covers the price: nothing to finance", () => {
    const r = simulateFinancing(terms, { price: 250_000, downPayment: 250_000 });
    expect(!r.ok && r.refusals.map((x) => x.code)).toEqual(["down_payment_covers_price"]);
  });

  it("the rounded payment pays the loan off: an amortisation schedule ends within a few centavos of zero", () => {
    fc.assert(
      fc.property(fc.integer({ min: 50_000, max: 3_000_000 }), fc.double({ min: 0.11, max: 0.9, noNaN: true }), fc.constantFrom(36, 48, 60, 72), (price, share, n) => {
        const r = simulateFinancing(terms, { price, downPayment: Math.round(price * share), termMonths: n });
        if (!r.ok) throw new Error(JSON.stringify(r));
        const plan = r.plans[0]!;
        let balance = r.financed_cents;
        for (let k = 0; k < n; k++) balance = balance * (1 + 0.1 / 12) - plan.monthly_payment_cents;
        // Half a centavo of rounding a month, grown by the interest: under n centavos either way.
        expect(Math.abs(balance)).toBeLessThan(n);
        expect(plan.total_paid_cents).toBe(plan.monthly_payment_cents * n + r.down_payment_cents);
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseFinancing", () => {
  it.each([
    ["enganche de 50 mil", { downPayment: 50_000 }],
    ["con 50 mil de enganche", { downPayment: 50_000 }],
    ["doy $30,000 de entrada", { downPayment: 30_000 }],
    ["el enganche serían 40 mil", { downPayment: 40_000 }],
    ["a 60 meses", { termMonths: 60 }],
    ["mejor a 48", { termMonths: 48 }],
    ["a 48 mensualidades", { termMonths: 48 }],
    ["a 4 años", { termMonths: 48 }],
    ["a 24 meses", { termMonths: 24 }],
    ["20% de enganche", { downPaymentShare: 0.2 }],
    ["mejor a 60, con 70k de enganche", { termMonths: 60, downPayment: 70_000 }],
    ["el auto de 250 mil, enganche de $25,000 a 36 meses", { price: 250_000, downPayment: 25_000, termMonths: 36 }],
    ["¿y cuánto quedaría?", {}],
  ])("%s", (text, expected) => {
    expect(parseFinancing(text)).toEqual(expected);
  });
});

describe("amounts in Spanish", () => {
  it("reads thousands separators, units and words, and no year or small number as money", () => {
    const money = (t: string) => moneyAmounts(t).filter((a) => a.unit || a.value >= 10_000).map((a) => a.value);
    expect(money("$250,000")).toEqual([250_000]);
    expect(money("250.000 pesos")).toEqual([250_000]);
    expect(money("$250,000.50")).toEqual([250_000.5]);
    expect(money("1.5 millones")).toEqual([1_500_000]);
    expect(money("un millon y medio no, medio millon")).toEqual([1_500_000, 500_000]);
    expect(money("un millon")).toEqual([1_000_000]);
    expect(money("250k")).toEqual([250_000]);
    expect(money("serie 3 a 48")).toEqual([]);
  });
});
