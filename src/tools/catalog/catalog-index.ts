import type { Car, CarQuery, CarSort } from "../../domain/car.js";
import { nameKey } from "../text.js";

// The features a query may ask for, one bit each in a car's flags.
const BLUETOOTH = 1;
const CARPLAY = 2;
const FOUR_WD = 4;
const AUTO = 8;
const MANUAL = 16;

/**
 * The catalog held for search, its cars kept in price order so that a price range is a run of positions.
 * Cars by make and by make+model, and every position in year order, so a query starts from the narrowest of
 * those; what it filters is read from typed columns (price, year, km, feature bits, seats, interned make and
 * model), not from the car objects, so a scan of the whole catalog stays a few nanoseconds a car. Built once.
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
  /** Positions by year ascending, and the years in that order. */
  private readonly byYear: Int32Array;
  private readonly sortedYears: Int32Array;

  constructor(input: readonly Car[]) {
    const cars = [...input].sort((a, b) => a.price - b.price || (a.stock_id < b.stock_id ? -1 : a.stock_id > b.stock_id ? 1 : 0));
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
    this.byYear = Int32Array.from(cars.keys()).sort((a, b) => this.year[a]! - this.year[b]! || a - b);
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
    const { ids, from, to } = this.candidates(q);
    const top: number[] = [];
    let total = 0;
    for (let k = from; k < to; k++) {
      const i = ids === undefined ? k : ids[k]!;
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

  /**
   * The cheapest set of positions to scan that surely holds every match: a run of positions (a price range,
   * or all), or a list (a make, a model, a year range). A list is read out of order, so it must be a third
   * the size of the run to be worth it.
   */
  private candidates(q: CarQuery): { ids?: ArrayLike<number>; from: number; to: number } {
    if (q.model !== undefined && q.make !== undefined) {
      const ids = this.byModel.get(modelKey(q.make, q.model)) ?? [];
      return { ids, from: 0, to: ids.length };
    }
    const from = q.price_min === undefined ? 0 : lowerBound(this.price, q.price_min);
    const to = q.price_max === undefined ? this.cars.length : upperBound(this.price, q.price_max);
    let best: { ids?: ArrayLike<number>; from: number; to: number } = { from, to: Math.max(from, to) };
    const consider = (ids: ArrayLike<number>, lo = 0, hi = ids.length) => {
      if ((hi - lo) * 3 < best.to - best.from) best = { ids, from: lo, to: hi };
    };
    if (q.make !== undefined) consider(this.byMake.get(this.makeIds.get(nameKey(q.make)) ?? -1) ?? []);
    if (q.year_min !== undefined || q.year_max !== undefined)
      consider(this.byYear, lowerBound(this.sortedYears, q.year_min ?? -Infinity), upperBound(this.sortedYears, q.year_max ?? Infinity));
    return best;
  }

  /**
   * Whether car i comes before car j in a sort's order: the asked key first, then price, then stock id — which
   * is position order, as the cars are kept — so the order is total and the same whatever set a scan reads.
   */
  private before(sort: CarSort): (i: number, j: number) => boolean {
    const { year, km } = this;
    if (sort === "newest") return (i, j) => year[i]! > year[j]! || (year[i] === year[j] && i < j);
    if (sort === "least_km") return (i, j) => km[i]! < km[j]! || (km[i] === km[j] && i < j);
    return (i, j) => i < j;
  }
}

const modelKey = (make: string, model: string) => `${nameKey(make)}|${nameKey(model)}`;

function push<K>(map: Map<K, number[]>, key: K, i: number) {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
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
