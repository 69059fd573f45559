import type { Car, CarQuery, CarSort } from "../../domain/car.js";
import { nameKey } from "../text.js";

// The features a query may ask for, one bit each in a car's flags.
const BLUETOOTH = 1;
const CARPLAY = 2;
const FOUR_WD = 4;
const AUTO = 8;
const MANUAL = 16;

/**
 * The catalog held for search. Cars by make and by make+model, and every car's position in price and year
 * order, so a query starts from the narrowest of those; what it filters is read from typed columns (price,
 * year, km, feature bits, seats, interned make and model), not from the car objects, so a scan of the whole
 * catalog stays a few nanoseconds a car. Built once per catalog.
 */
export class CatalogIndex {
  readonly cars: readonly Car[];
  private readonly price: Float64Array;
  private readonly year: Int32Array;
  private readonly km: Float64Array;
  private readonly flags: Uint8Array;
  private readonly seats: Uint8Array;
  private readonly make: Int32Array;
  private readonly model: Int32Array;
  private readonly makeIds = new Map<string, number>();
  /** By nameKey(model) alone: a query may name a model without its make. */
  private readonly modelIds = new Map<string, number>();
  private readonly byMake = new Map<number, number[]>();
  private readonly byModel = new Map<string, number[]>();
  /** Positions by price ascending (and the prices in that order), and by year. */
  private readonly byPrice: Int32Array;
  private readonly sortedPrices: Float64Array;
  private readonly byYear: Int32Array;
  private readonly sortedYears: Int32Array;
  private readonly all: Int32Array;

  constructor(cars: readonly Car[]) {
    this.cars = cars;
    const n = cars.length;
    this.price = new Float64Array(n);
    this.year = new Int32Array(n);
    this.km = new Float64Array(n);
    this.flags = new Uint8Array(n);
    this.seats = new Uint8Array(n);
    this.make = new Int32Array(n);
    this.model = new Int32Array(n);
    const intern = (map: Map<string, number>, key: string) => map.get(key) ?? map.set(key, map.size).get(key)!;
    cars.forEach((c, i) => {
      this.price[i] = c.price;
      this.year[i] = c.year;
      this.km[i] = c.km;
      this.flags[i] =
        (c.bluetooth ? BLUETOOTH : 0) | (c.car_play ? CARPLAY : 0) | (c.four_wd ? FOUR_WD : 0) |
        (c.transmission === "auto" ? AUTO : c.transmission === "manual" ? MANUAL : 0);
      this.seats[i] = c.seats ?? 0;
      this.make[i] = intern(this.makeIds, nameKey(c.make));
      this.model[i] = intern(this.modelIds, nameKey(c.model));
      push(this.byMake, this.make[i]!, i);
      push(this.byModel, modelKey(c.make, c.model), i);
    });
    this.all = Int32Array.from(cars.keys());
    this.byPrice = this.all.slice().sort((a, b) => this.price[a]! - this.price[b]! || a - b);
    this.sortedPrices = Float64Array.from(this.byPrice, (i) => this.price[i]!);
    this.byYear = this.all.slice().sort((a, b) => this.year[a]! - this.year[b]! || a - b);
    this.sortedYears = Int32Array.from(this.byYear, (i) => this.year[i]!);
  }

  /** Every make and model the catalog holds, as written in it, one entry per make+model. */
  names(): Array<{ make: string; model: string }> {
    return [...this.byModel.values()].map((ids) => ({ make: this.cars[ids[0]!]!.make, model: this.cars[ids[0]!]!.model }));
  }

  holds(make: string, model?: string): boolean {
    return model === undefined ? this.makeIds.has(nameKey(make)) : this.byModel.has(modelKey(make, model));
  }

  /**
   * The cars that meet the query, how many in all, and the first `limit` of them in the query's order. One
   * pass over the narrowest candidate set, keeping the best `limit` as it goes (a car that cannot enter
   * costs one comparison).
   */
  scan(q: CarQuery): { cars: Car[]; total: number } {
    const make = q.make === undefined ? -1 : (this.makeIds.get(nameKey(q.make)) ?? -2);
    const model = q.model === undefined ? -1 : (this.modelIds.get(nameKey(q.model)) ?? -2);
    if (make === -2 || model === -2) return { cars: [], total: 0 };
    const [yMin, yMax] = [q.year_min ?? -Infinity, q.year_max ?? Infinity];
    const [pMin, pMax] = [q.price_min ?? -Infinity, q.price_max ?? Infinity];
    const kmMax = q.km_max ?? Infinity;
    const seatsMin = q.seats_min ?? 0;
    const need =
      (q.bluetooth ? BLUETOOTH : 0) | (q.carplay ? CARPLAY : 0) | (q.four_wd ? FOUR_WD : 0) |
      (q.transmission === "auto" ? AUTO : q.transmission === "manual" ? MANUAL : 0);
    const before = this.before(q.sort ?? "cheapest");
    const ids = this.candidates(q);
    const top: number[] = [];
    let total = 0;
    for (let k = 0; k < ids.length; k++) {
      const i = ids[k]!;
      if ((make >= 0 && this.make[i] !== make) || (model >= 0 && this.model[i] !== model)) continue;
      const y = this.year[i]!;
      const p = this.price[i]!;
      if (y < yMin || y > yMax || p < pMin || p > pMax || this.km[i]! > kmMax) continue;
      if ((this.flags[i]! & need) !== need || this.seats[i]! < seatsMin) continue;
      total++;
      if (top.length === q.limit && !before(i, top[top.length - 1]!)) continue;
      let at = top.length;
      while (at > 0 && before(i, top[at - 1]!)) at--;
      top.splice(at, 0, i);
      if (top.length > q.limit) top.pop();
    }
    return { cars: top.map((i) => this.cars[i]!), total };
  }

  /** The smallest set of positions that surely holds every match of the query. */
  private candidates(q: CarQuery): ArrayLike<number> {
    if (q.model !== undefined && q.make !== undefined) return this.byModel.get(modelKey(q.make, q.model)) ?? [];
    const sets: ArrayLike<number>[] = [];
    if (q.make !== undefined) sets.push(this.byMake.get(this.makeIds.get(nameKey(q.make)) ?? -1) ?? []);
    if (q.price_min !== undefined || q.price_max !== undefined)
      sets.push(slice(this.byPrice, this.sortedPrices, q.price_min ?? -Infinity, q.price_max ?? Infinity));
    if (q.year_min !== undefined || q.year_max !== undefined)
      sets.push(slice(this.byYear, this.sortedYears, q.year_min ?? -Infinity, q.year_max ?? Infinity));
    return sets.reduce((a, b) => (b.length < a.length ? b : a), this.all);
  }

  /**
   * Whether car i comes before car j in a sort's order: the asked key first, then price, then stock id, so
   * the order is total and the same whatever set a query starts from.
   */
  private before(sort: CarSort): (i: number, j: number) => boolean {
    const { price, year, km, cars } = this;
    const tie = (i: number, j: number) => price[i]! < price[j]! || (price[i] === price[j] && cars[i]!.stock_id < cars[j]!.stock_id);
    if (sort === "newest") return (i, j) => year[i]! > year[j]! || (year[i] === year[j] && tie(i, j));
    if (sort === "least_km") return (i, j) => km[i]! < km[j]! || (km[i] === km[j] && tie(i, j));
    return tie;
  }
}

const modelKey = (make: string, model: string) => `${nameKey(make)}|${nameKey(model)}`;

function push<K>(map: Map<K, number[]>, key: K, i: number) {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
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
