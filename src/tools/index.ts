import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { CarQuery } from "../domain/car.js";
import { FinancingRequest, type FinancingTerms } from "../domain/financing.js";
import type { Hub } from "../domain/hub.js";
import {
  loadCatalog,
  loadCatalogAliases,
  loadDeskRefusalTexts,
  loadFinancingTerms,
  loadFinesSample,
  loadFinesTexts,
  loadHubs,
  loadKnowledgeBase,
  loadPlateFormats,
  loadToolDescriptions,
  type DeskRefusalTexts,
} from "../store/assets.js";
import { formatPesos } from "./amounts.js";
import { createCatalog, type Catalog } from "./catalog/catalog.js";
import { toolDescription } from "./describe.js";
import { createFinesLookup, sampleFinesProvider } from "./fines.js";
import { plateReader } from "./plate.js";
import { simulateFinancing, type FinancingResult } from "./financing/simulate.js";
import { createKnowledgeBase, type KnowledgeBase } from "./knowledge.js";

export { createCatalog, type Catalog } from "./catalog/catalog.js";
export { searchCatalog, type CatalogResult, type Relaxation } from "./catalog/search.js";
export { parseCarQuery, type ParsedCarQuery } from "./catalog/parse-query.js";
export { simulateFinancing, type FinancingResult } from "./financing/simulate.js";
export { parseFinancing, type FinancingSlots } from "./financing/parse.js";
export { createKnowledgeBase, type KnowledgeBase, type KnowledgeResult } from "./knowledge.js";
export { formatKm, formatPesos } from "./amounts.js";
export { createFinesLookup, createFinesTool, sampleFinesProvider, type FinesLookup, type FinesProvider } from "./fines.js";
export { plateReader, type PlateReader } from "./plate.js";
export { createSupportDesk, createDeskTools, callerFromConfig, type SupportDesk, type SupportDeskDeps, type DeskCaller, type DeskResult } from "./desk.js";

/** What the tools work on: built once per process from data/ (or from test fixtures). */
export interface ToolData {
  catalog: Catalog;
  financing: FinancingTerms;
  knowledge: KnowledgeBase;
  /** Where test drives are booked; the knowledge base names the same list. */
  hubs: readonly Hub[];
  /** What the support desk's refusals say to the customer. */
  deskRefusals: DeskRefusalTexts;
  descriptions: Record<string, string>;
}

export function loadToolData(): ToolData {
  const financing = loadFinancingTerms();
  const { passages, settings } = loadKnowledgeBase();
  const hubs = loadHubs();
  return {
    catalog: createCatalog(loadCatalog(), loadCatalogAliases()),
    financing,
    knowledge: createKnowledgeBase(passages, settings, financing, hubs),
    hubs,
    deskRefusals: loadDeskRefusalTexts(),
    descriptions: loadToolDescriptions(),
  };
}

/** Fines looked up offline, in the invented sample of data/fines-sample.json (no real provider is wired yet). */
export function loadOfflineFinesLookup() {
  const plates = plateReader(loadPlateFormats());
  return createFinesLookup({ provider: sampleFinesProvider(loadFinesSample(), plates), plates, texts: loadFinesTexts() });
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
  const describe = (name: string) => toolDescription(data.descriptions, name);
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
