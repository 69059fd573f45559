import type { Car, CarQuery, CarSort } from "../../domain/car.js";
import { nameKey } from "../text.js";

/**
 * The catalog held for search: cars by make and by make+model, and every car's position in price and year
 * order, so a query starts from the narrowest of those and filters only that. Built once per catalog.
 */
export class CatalogIndex {
  readonly cars: readonly Car[];
  /** Each car's make and model as nameKey() writes them, by position. */
  readonly makeKeys: readonly string[];
  readonly modelKeys: readonly string[];
  private readonly byMake = new Map<string, number[]>();
  private readonly byModel = new Map<string, number[]>();
  /** Car positions by price ascending, and their prices, for a binary search of a price range. */
  private readonly byPrice: Int32Array;
  private readonly prices: Float64Array;
  private readonly byYear: Int32Array;
  private readonly years: Int32Array;

  constructor(cars: readonly Car[]) {
    this.cars = cars;
    this.makeKeys = cars.map((c) => nameKey(c.make));
    this.modelKeys = cars.map((c) => nameKey(c.model));
    cars.forEach((_, i) => {
      push(this.byMake, this.makeKeys[i]!, i);
      push(this.byModel, `${this.makeKeys[i]}|${this.modelKeys[i]}`, i);
    });
    this.byPrice = order(cars, (a, b) => a.price - b.price);
    this.prices = Float64Array.from(this.byPrice, (i) => cars[i]!.price);
    this.byYear = order(cars, (a, b) => a.year - b.year);
    this.years = Int32Array.from(this.byYear, (i) => cars[i]!.year);
  }

  /** Every make and model the catalog holds, as written in it, one entry per make+model. */
  names(): Array<{ make: string; model: string }> {
    return [...this.byModel.values()].map((ids) => ({ make: this.cars[ids[0]!]!.make, model: this.cars[ids[0]!]!.model }));
  }

  holds(make: string, model?: string): boolean {
    return model === undefined ? this.byMake.has(nameKey(make)) : this.byModel.has(modelKey(make, model));
  }

  /** The smallest set of positions that surely holds every match of the query. */
  candidates(q: CarQuery): ArrayLike<number> {
    if (q.model !== undefined && q.make !== undefined) return this.byModel.get(modelKey(q.make, q.model)) ?? [];
    const sets: ArrayLike<number>[] = [];
    if (q.make !== undefined) sets.push(this.byMake.get(nameKey(q.make)) ?? []);
    if (q.price_min !== undefined || q.price_max !== undefined)
      sets.push(slice(this.byPrice, this.prices, q.price_min ?? -Infinity, q.price_max ?? Infinity));
    if (q.year_min !== undefined || q.year_max !== undefined)
      sets.push(slice(this.byYear, this.years, q.year_min ?? -Infinity, q.year_max ?? Infinity));
    if (sets.length === 0) return this.byPrice;
    return sets.reduce((a, b) => (b.length < a.length ? b : a));
  }
}

const modelKey = (make: string, model: string) => `${nameKey(make)}|${nameKey(model)}`;

function push(map: Map<string, number[]>, key: string, i: number) {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

function order(cars: readonly Car[], cmp: (a: Car, b: Car) => number): Int32Array {
  return Int32Array.from(cars.keys()).sort((a, b) => cmp(cars[a]!, cars[b]!) || a - b);
}

/** The positions whose sorted value lies in [lo, hi]. */
function slice(ids: Int32Array, values: Float64Array | Int32Array, lo: number, hi: number): Int32Array {
  return ids.subarray(lowerBound(values, lo), upperBound(values, hi));
}

function lowerBound(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Orders cars for a sort: the asked key first, then price, then stock id, so the order is total. */
export function compareFor(sort: CarSort): (a: Car, b: Car) => number {
  const key =
    sort === "newest" ? (a: Car, b: Car) => b.year - a.year : sort === "least_km" ? (a: Car, b: Car) => a.km - b.km : () => 0;
  return (a, b) => key(a, b) || a.price - b.price || (a.stock_id < b.stock_id ? -1 : a.stock_id > b.stock_id ? 1 : 0);
}
