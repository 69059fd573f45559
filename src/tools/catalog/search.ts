import { z } from "zod";
import { Car, CarQuery, type CarQueryInput } from "../../domain/car.js";
import type { CatalogIndex } from "./catalog-index.js";

/** A constraint a search dropped or widened to find alternatives, with what it was and what it became. */
export const Relaxation = z.object({
  constraint: z.enum(["km", "year", "price", "features", "model", "make"]),
  from: z.string(),
  to: z.string(),
});
export type Relaxation = z.infer<typeof Relaxation>;

export const CatalogResult = z.object({
  /** match: cars that meet the query; alternatives: cars that meet it once `relaxed`; none: not even then. */
  status: z.enum(["match", "alternatives", "none"]),
  cars: z.array(Car),
  /** How many cars meet the (relaxed) query in all; `cars` holds the first `limit` of them. */
  total: z.number().int(),
  query: CarQuery,
  relaxed: z.array(Relaxation),
});
export type CatalogResult = z.infer<typeof CatalogResult>;

/** Widening for alternatives: two model years each way, then prices by 15%. */
const YEAR_MARGIN = 2;
const PRICE_MARGIN = 0.15;

/**
 * Cars of the catalog that meet the query, in its order (cheapest first when it names none). With none,
 * alternatives: the constraints are relaxed one at a time, each step keeping the earlier ones — km first,
 * then the years (± 2), then the price (± 15%), then the features, then the model (same make), then the
 * make — and the first step that finds cars answers, saying what it relaxed. Only catalog cars, ever.
 */
export function searchCatalog(index: CatalogIndex, input: CarQueryInput): CatalogResult {
  const query = CarQuery.parse(input);
  const exact = index.scan(query);
  if (exact.total > 0) return { status: "match", ...exact, query, relaxed: [] };
  let q = query;
  const relaxed: Relaxation[] = [];
  for (const step of RELAX) {
    const r = step(q);
    if (!r) continue;
    q = r.query;
    relaxed.push(r.relaxation);
    const found = index.scan(q);
    if (found.total > 0) return { status: "alternatives", ...found, query: q, relaxed };
  }
  return { status: "none", cars: [], total: 0, query, relaxed: [] };
}

type Step = (q: CarQuery) => { query: CarQuery; relaxation: Relaxation } | undefined;

const range = (lo: number | undefined, hi: number | undefined, unit = "") =>
  `${lo === undefined ? "" : `${lo}${unit}`}–${hi === undefined ? "" : `${hi}${unit}`}`;

const RELAX: Step[] = [
  (q) => {
    if (q.km_max === undefined) return undefined;
    const { km_max, ...rest } = q;
    return { query: rest, relaxation: { constraint: "km", from: `≤ ${km_max} km`, to: "any" } };
  },
  (q) => {
    if (q.year_min === undefined && q.year_max === undefined) return undefined;
    const query = {
      ...q,
      ...(q.year_min === undefined ? {} : { year_min: q.year_min - YEAR_MARGIN }),
      ...(q.year_max === undefined ? {} : { year_max: q.year_max + YEAR_MARGIN }),
    };
    return { query, relaxation: { constraint: "year", from: range(q.year_min, q.year_max), to: range(query.year_min, query.year_max) } };
  },
  (q) => {
    if (q.price_min === undefined && q.price_max === undefined) return undefined;
    const query = {
      ...q,
      ...(q.price_min === undefined ? {} : { price_min: Math.floor(q.price_min * (1 - PRICE_MARGIN)) }),
      ...(q.price_max === undefined ? {} : { price_max: Math.ceil(q.price_max * (1 + PRICE_MARGIN)) }),
    };
    return { query, relaxation: { constraint: "price", from: range(q.price_min, q.price_max), to: range(query.price_min, query.price_max) } };
  },
  (q) => {
    const { bluetooth, carplay, seats_min, transmission, four_wd, ...rest } = q;
    const asked = Object.entries({ bluetooth, carplay, seats_min, transmission, four_wd }).filter(([, v]) => v !== undefined && v !== false);
    if (asked.length === 0) return undefined;
    return { query: rest, relaxation: { constraint: "features", from: asked.map(([k, v]) => `${k}=${v}`).join(", "), to: "any" } };
  },
  (q) => {
    if (q.model === undefined) return undefined;
    const { model, ...rest } = q;
    return { query: rest, relaxation: { constraint: "model", from: model, to: `any ${q.make ?? ""}`.trim() } };
  },
  (q) => {
    if (q.make === undefined) return undefined;
    const { make, ...rest } = q;
    return { query: rest, relaxation: { constraint: "make", from: make, to: "any" } };
  },
];
