import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { CarQuery } from "../domain/car.js";
import { FinancingRequest, type FinancingTerms } from "../domain/financing.js";
import { loadCatalog, loadCatalogAliases, loadFinancingTerms, loadKnowledgeBase, loadToolDescriptions } from "../store/assets.js";
import { formatPesos } from "./amounts.js";
import { createCatalog, type Catalog } from "./catalog/catalog.js";
import { simulateFinancing, type FinancingResult } from "./financing/simulate.js";
import { createKnowledgeBase, type KnowledgeBase } from "./knowledge.js";

export { createCatalog, type Catalog } from "./catalog/catalog.js";
export { searchCatalog, type CatalogResult, type Relaxation } from "./catalog/search.js";
export { parseCarQuery, type ParsedCarQuery } from "./catalog/parse-query.js";
export { simulateFinancing, type FinancingResult } from "./financing/simulate.js";
export { parseFinancing, type FinancingSlots } from "./financing/parse.js";
export { createKnowledgeBase, type KnowledgeBase, type KnowledgeResult } from "./knowledge.js";
export { formatKm, formatPesos } from "./amounts.js";

/** What the tools work on: built once per process from data/ (or from test fixtures). */
export interface ToolData {
  catalog: Catalog;
  financing: FinancingTerms;
  knowledge: KnowledgeBase;
  descriptions: Record<string, string>;
}

export function loadToolData(): ToolData {
  const financing = loadFinancingTerms();
  const { passages, settings } = loadKnowledgeBase();
  return {
    catalog: createCatalog(loadCatalog(), loadCatalogAliases()),
    financing,
    knowledge: createKnowledgeBase(passages, settings, financing),
    descriptions: loadToolDescriptions(),
  };
}

/** The catalog tool takes a structured query, the customer's words, or both (explicit fields win). */
export const CatalogToolInput = CarQuery.partial().extend({ text: z.string().max(2000).optional() });

/** Payments as the customer reads them next to the centavos, so a model never does the arithmetic. */
function withPesos(r: FinancingResult) {
  if (!r.ok) return r;
  return {
    ...r,
    plans: r.plans.map((p) => ({
      ...p,
      monthly_payment: formatPesos(p.monthly_payment_cents),
      total_paid: formatPesos(p.total_paid_cents),
      total_interest: formatPesos(p.total_interest_cents),
    })),
  };
}

/**
 * The three tools for a model's tool calling, over the same pure functions the offline agents call. Each
 * answers JSON: what the reply may quote.
 */
export function createTools(data: ToolData) {
  const describe = (name: string) => {
    const d = data.descriptions[name];
    if (d === undefined) throw new Error(`prompts/llm/tools.json: no description for ${name}`);
    return d;
  };
  const searchCatalogTool = tool(
    ({ text, ...fields }) => {
      const parsed = text === undefined ? undefined : data.catalog.parse(text);
      const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      const result = data.catalog.search({ ...parsed?.query, ...defined });
      return JSON.stringify({ ...result, recognised: parsed?.names ?? [] });
    },
    { name: "search_catalog", description: describe("search_catalog"), schema: CatalogToolInput },
  );
  const simulateFinancingTool = tool((input) => JSON.stringify(withPesos(simulateFinancing(data.financing, input))), {
    name: "simulate_financing",
    description: describe("simulate_financing"),
    schema: FinancingRequest,
  });
  const searchKnowledgeTool = tool(({ question }) => JSON.stringify(data.knowledge.search(question)), {
    name: "search_knowledge",
    description: describe("search_knowledge"),
    schema: z.object({ question: z.string().min(1).max(2000) }),
  });
  return [searchCatalogTool, simulateFinancingTool, searchKnowledgeTool] as const;
}
