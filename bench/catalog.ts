/**
 * Catalog search latency over a generated 100,000-car catalog (issue 11, "Benchmarks": p99 ≤ 5 ms). The cars
 * are the sample catalog's makes, models and versions with seeded years, prices and km; the queries are a
 * fixed mix of what the tools send (a make, a model and years, a price range, features over the whole
 * catalog, "the newest", a query that needs alternatives, and one read from Spanish text first). Each call
 * is timed on its own, by the wall clock and by the process's CPU time (process.cpuUsage): on a machine
 * shared with other work the wall clock's tail is the scheduler's, the CPU time's is ours. Not a test: it
 * prints figures.
 *
 *   npm run bench:catalog -- [--cars 100000] [--calls 20000] [--seed 1]
 */
import { parseArgs } from "node:util";
import type { CarQueryInput } from "../src/domain/car.js";
import { randInt, rngFor } from "../src/policy/random.js";
import { loadCatalog, loadCatalogAliases } from "../src/store/assets.js";
import { createCatalog } from "../src/tools/catalog/catalog.js";
import { generateCars } from "./lib/catalog-gen.js";
import { LATENCY_HEADER, latencyRow, Timings } from "./lib/timing.js";

const { values } = parseArgs({
  options: { cars: { type: "string", default: "100000" }, calls: { type: "string", default: "20000" }, seed: { type: "string", default: "1" } },
});
const N = Number(values.cars);
const CALLS = Number(values.calls);
const rng = rngFor(Number(values.seed), "bench-catalog");

const sample = loadCatalog();
const cars = generateCars(sample, N, rng);
const t0 = performance.now();
const catalog = createCatalog(cars, loadCatalogAliases());
const buildMs = performance.now() - t0;

const KINDS: Array<[string, () => CarQueryInput]> = [
  ["make, cheapest", () => ({ make: sample[randInt(rng, sample.length)]!.make })],
  ["make+model+years", () => {
    const c = sample[randInt(rng, sample.length)]!;
    return { make: c.make, model: c.model, year_min: c.year - 1, year_max: c.year + 1 };
  }],
  ["price range", () => ({ price_min: 200_000 + randInt(rng, 20) * 10_000, price_max: 350_000 + randInt(rng, 20) * 10_000, limit: 5 })],
  ["features, least km (full scan)", () => ({ carplay: true, transmission: "auto", sort: "least_km" })],
  ["newest (full scan)", () => ({ sort: "newest", limit: 1 })],
  ["years+km+price, newest", () => ({ year_min: 2019, km_max: 40_000 + randInt(rng, 40) * 1000, price_max: 400_000, sort: "newest" })],
  ["no match → alternatives", () => ({ make: "Volkswagen", model: "Jetta", year_min: 2025, km_max: 100, price_max: 90_000 })],
];
const TEXTS = ["busco un jeta 2018 de menos de 250 mil", "el más barato con carplay", "una camioneta 4x4 automática del 2019 en adelante", "versa entre 200 y 300 mil"];

// Warm-up, so the figures are the JIT-compiled code's.
for (let i = 0; i < 2000; i++) catalog.search(KINDS[i % KINDS.length]![1]());

const timings = new Timings();
for (let i = 0; i < CALLS; i++) {
  const k = i % (KINDS.length + 1);
  if (k < KINDS.length) {
    const [kind, make] = KINDS[k]!;
    const q = make();
    timings.timeSync(kind, () => catalog.search(q));
  } else {
    const text = TEXTS[i % TEXTS.length]!;
    timings.timeSync("text: parse + search", () => catalog.search(catalog.parse(text).query));
  }
}

console.log(`catalog: ${N.toLocaleString("en")} cars (${new Set(cars.map((c) => `${c.make}|${c.model}`)).size} models), index built in ${buildMs.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);
console.log(LATENCY_HEADER.replace("kind", "query"));
for (const [kind, list] of timings.wall) console.log(latencyRow(kind, list, timings.cpu.get(kind)!));
console.log(latencyRow("all", [...timings.wall.values()].flat(), [...timings.cpu.values()].flat(), true));
