import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { describe, expect, it } from "vitest";
import { createTools, loadToolData } from "../../src/tools/index.js";

const data = loadToolData();
const [searchCatalog, simulateFinancing, searchKnowledge] = createTools(data);

describe("the LangChain tools", () => {
  it("are named and described for a model, with JSON Schemas from their zod schemas", () => {
    expect([searchCatalog.name, simulateFinancing.name, searchKnowledge.name]).toEqual(["search_catalog", "simulate_financing", "search_knowledge"]);
    for (const t of [searchCatalog, simulateFinancing, searchKnowledge]) expect(t.description).toBe(data.descriptions[t.name]);
    const catalog = toJsonSchema(searchCatalog.schema) as { properties: Record<string, unknown>; required?: string[] };
    expect(Object.keys(catalog.properties)).toEqual(expect.arrayContaining(["text", "make", "model", "price_max", "sort", "limit"]));
    expect(catalog.required ?? []).toEqual([]);
    expect((toJsonSchema(simulateFinancing.schema) as { required: string[] }).required).toEqual(["price", "downPayment"]);
    expect(() => createTools({ ...data, descriptions: {} })).toThrow(/no description for search_catalog/);
  });

  it("search_catalog reads the customer's words, and an explicit field wins over them", async () => {
    const out = JSON.parse(await searchCatalog.invoke({ text: "un jeta 2018" }));
    expect(out.status).toBe("match");
    expect(out.cars.map((c: { stock_id: string }) => c.stock_id)).toEqual(["173675"]);
    expect(out.recognised).toEqual([{ make: "Volkswagen", model: "Jetta", text: "jeta", how: "typo" }]);
    const cheaper = JSON.parse(await searchCatalog.invoke({ text: "un versa", price_max: 230_000 }));
    expect(cheaper.cars.map((c: { price: number }) => c.price)).toEqual([220999]);
  });

  it("search_catalog refuses a query outside its schema", async () => {
    await expect(searchCatalog.invoke({ limit: 500 })).rejects.toThrow();
  });

  it("simulate_financing gives the payment to the centavo, and in pesos as the customer reads it", async () => {
    const out = JSON.parse(await simulateFinancing.invoke({ price: 250_000, downPayment: 25_000, termMonths: 48 }));
    expect(out.plans).toEqual([
      { term_months: 48, monthly_payment_cents: 570_658, monthly_payment: "$5,706.58", total_paid_cents: 29_891_584, total_paid: "$298,915.84", total_interest_cents: 4_891_584, total_interest: "$48,915.84" },
    ]);
    const refused = JSON.parse(await simulateFinancing.invoke({ price: 250_000, downPayment: 1_000 }));
    expect(refused).toMatchObject({ ok: false, refusals: [{ code: "down_payment_below_minimum", minimum_down_payment_cents: 2_500_000 }] });
  });

  it("search_knowledge answers from the base, or says it has nothing", async () => {
    expect(JSON.parse(await searchKnowledge.invoke({ question: "¿cuánto dura la garantía?" })).passages[0].id).toBe("garantia");
    expect(JSON.parse(await searchKnowledge.invoke({ question: "¿tienen seguro de gastos médicos?" }))).toEqual({ found: false, passages: [] });
  });
});
