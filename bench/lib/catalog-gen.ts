import type { Car } from "../../src/domain/car.js";
import { randInt, type Rng } from "../../src/policy/random.js";

/**
 * `n` cars made from the sample catalog's rows (make, model, version, features kept) with seeded years, prices
 * and km: a year within ±3 of the row's, a price scaled by ±30% and 6% a year, km from the car's age.
 */
export function generateCars(sample: readonly Car[], n: number, rng: Rng): Car[] {
  return Array.from({ length: n }, (_, i) => {
    const base = sample[randInt(rng, sample.length)]!;
    const year = Math.min(2025, Math.max(2008, base.year + randInt(rng, 7) - 3));
    const price = Math.round((base.price * (0.7 + 0.6 * rng.next()) * (1 + (year - base.year) * 0.06)) / 1000) * 1000 - 1;
    return { ...base, stock_id: String(1_000_000 + i), year, price, km: Math.round((2025 - year) * 15_000 * (0.3 + 1.4 * rng.next())) };
  });
}
