import type { Car, CarQueryInput, CatalogAliases } from "../../domain/car.js";
import { CatalogIndex } from "./catalog-index.js";
import { parseCarQuery, type ParsedCarQuery } from "./parse-query.js";
import { searchCatalog, type CatalogResult } from "./search.js";
import { buildVocabulary, type CatalogVocabulary } from "./vocabulary.js";

/** A catalog ready to search and to read queries against: its index and the names a customer may use. */
export interface Catalog {
  readonly index: CatalogIndex;
  readonly vocabulary: CatalogVocabulary;
  /** The car with this stock id, if the catalog holds it. */
  get(stockId: string): Car | undefined;
  search(query: CarQueryInput): CatalogResult;
  parse(text: string): ParsedCarQuery;
}

export function createCatalog(cars: readonly Car[], aliases: CatalogAliases): Catalog {
  const index = new CatalogIndex(cars);
  const vocabulary = buildVocabulary(index.names(), aliases, (make, model) => index.holds(make, model));
  const byId = new Map(cars.map((c) => [c.stock_id, c]));
  return {
    index,
    vocabulary,
    get: (stockId) => byId.get(stockId),
    search: (query) => searchCatalog(index, query),
    parse: (text) => parseCarQuery(text, vocabulary),
  };
}
