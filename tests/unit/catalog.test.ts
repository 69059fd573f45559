import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Car, CarQuery, versionFacts, type CarQueryInput } from "../../src/domain/car.js";
import { loadCatalog, loadCatalogAliases } from "../../src/store/assets.js";
import { createCatalog } from "../../src/tools/catalog/catalog.js";

const cars = loadCatalog();
const aliases = loadCatalogAliases();
const catalog = createCatalog(cars, aliases);
const parse = (text: string) => catalog.parse(text).query;
const find = (text: string) => catalog.search(parse(text));

/** The oracle: every car, filtered and sorted the plain way. */
function naive(all: readonly Car[], input: CarQueryInput) {
  const q = CarQuery.parse(input);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const hits = all.filter(
    (c) =>
      (q.make === undefined || same(c.make, q.make)) &&
      (q.model === undefined || same(c.model, q.model)) &&
      (q.year_min === undefined || c.year >= q.year_min) &&
      (q.year_max === undefined || c.year <= q.year_max) &&
      (q.price_min === undefined || c.price >= q.price_min) &&
      (q.price_max === undefined || c.price <= q.price_max) &&
      (q.km_max === undefined || c.km <= q.km_max) &&
      (!q.bluetooth || c.bluetooth) &&
      (!q.carplay || c.car_play) &&
      (q.seats_min === undefined || (c.seats ?? 0) >= q.seats_min) &&
      (q.transmission === undefined || c.transmission === q.transmission) &&
      (!q.four_wd || c.four_wd),
  );
  const key = (c: Car) => (q.sort === "newest" ? -c.year : q.sort === "least_km" ? c.km : 0);
  const order = (a: Car, b: Car) => key(a) - key(b) || a.price - b.price || (a.stock_id < b.stock_id ? -1 : 1);
  return { total: hits.length, cars: hits.sort(order).slice(0, q.limit) };
}

describe("the catalog file", () => {
  it("reads the 100 cars of data/catalog.csv, flags and blank sizes included", () => {
    expect(cars).toHaveLength(100);
    const touareg = cars.find((c) => c.stock_id === "243587")!;
    expect(touareg).toMatchObject({ make: "Volkswagen", model: "Touareg", year: 2018, price: 461999, km: 77400, bluetooth: true, car_play: false, four_wd: true, transmission: "auto" });
    expect(cars.find((c) => c.stock_id === "322165")!.ancho).toBeNull(); // Honda BR-V: no width in the file
    expect(cars.find((c) => c.stock_id === "283547")!.bluetooth).toBe(false);
  });

  it("reads the transmission, drive and seats the version text states, and null when it states none", () => {
    expect(versionFacts("2.0 SEDAN I TA")).toEqual({ transmission: "auto", four_wd: false, seats: null });
    expect(versionFacts("1.0 LS A")).toMatchObject({ transmission: "auto" });
    expect(versionFacts("2.0 LX MT")).toMatchObject({ transmission: "manual" });
    expect(versionFacts("1.6 5 PTAS. TRENDLINE")).toEqual({ transmission: null, four_wd: false, seats: null }); // 5 doors, not seats
    expect(versionFacts("2.0 M135I XDRIVE AUTO")).toMatchObject({ four_wd: true });
    expect(versionFacts("2.5 S GRAND TOURING AUTO 2WD")).toMatchObject({ four_wd: false });
    expect(versionFacts("1.5 LT 7 PASAJEROS B CVT")).toMatchObject({ seats: 7, transmission: "auto" });
    expect(versionFacts("2.5 SENSE 2 ROW CVT")).toMatchObject({ seats: 5 });
  });
});

describe("parseCarQuery: makes and models", () => {
  it("reads a model with a typo, says it was a typo, and finds it", () => {
    const p = catalog.parse("busco un jeta 2018");
    expect(p.names).toEqual([{ make: "Volkswagen", model: "Jetta", text: "jeta", how: "typo" }]);
    expect(find("busco un jeta 2018").cars.map((c) => c.stock_id)).toEqual(["173675"]);
    expect(parse("una volswagen tiguan")).toMatchObject({ make: "Volkswagen", model: "Tiguan" });
    expect(parse("nisan sentra")).toMatchObject({ make: "Nissan", model: "Sentra" });
  });

  it("reads names however they are spaced or hyphenated, and the longest name first", () => {
    expect(parse("cx5 2019")).toMatchObject({ make: "Mazda", model: "CX-5" });
    expect(parse("una cr v")).toMatchObject({ make: "Honda", model: "CR-V" });
    expect(parse("mazda 3 hatchback")).toMatchObject({ make: "Mazda", model: "Mazda 3" });
    expect(parse("algo mazda")).toMatchObject({ make: "Mazda" });
    expect(parse("algo mazda").model).toBeUndefined();
  });

  it("takes a nickname to the first of its cars the catalog holds", () => {
    // No Chevy in this catalog: "chevy" is any Chevrolet…
    expect(catalog.parse("un chevy barato").names).toEqual([{ make: "Chevrolet", text: "chevy", how: "alias" }]);
    expect(find("un chevy barato").cars.every((c) => c.make === "Chevrolet")).toBe(true);
    // …and the Chevy once one is in stock.
    const chevy = { ...cars.find((c) => c.make === "Chevrolet")!, stock_id: "1", model: "Chevy" };
    expect(createCatalog([...cars, chevy], aliases).parse("un chevy barato").query).toMatchObject({ make: "Chevrolet", model: "Chevy" });
  });

  it("a nickname for a car we do not have gives alternatives that say so, never the car", () => {
    const r = find("quiero un vocho");
    expect(r.query).toMatchObject({ make: "Volkswagen" });
    expect(r.status).toBe("alternatives");
    expect(r.relaxed).toEqual([{ constraint: "model", from: "Sedán", to: "any Volkswagen" }]);
    expect(r.cars.length).toBeGreaterThan(0);
    expect(r.cars.every((c) => c.make === "Volkswagen" && c.model !== "Sedán")).toBe(true);
    expect(parse("un tsuru")).toMatchObject({ make: "Nissan", model: "Tsuru" });
    expect(find("un tsuru").cars.every((c) => c.make === "Nissan")).toBe(true);
  });

  it("takes no everyday word for a name, and a number or word model only next to its make", () => {
    for (const text of ["que onda, busco algo para la familia", "quiero uno barato", "tras el trabajo, algo bueno y bonito", "la ultima version en el centro"])
      expect(catalog.parse(text).names, text).toEqual([]);
    expect(parse("un fiat uno")).toMatchObject({ make: "Fiat", model: "Uno" });
    expect(parse("un peugeot 208")).toMatchObject({ make: "Peugeot", model: "208" });
    expect(parse("algo de 208 mil").model).toBeUndefined();
  });
});

describe("parseCarQuery: years, prices, km, features, order", () => {
  it.each<[string, Partial<CarQuery>]>([
    ["menos de 250 mil", { price_max: 250_000 }],
    ["algo de $250,000", { price_max: 250_000 }],
    ["hasta 250k", { price_max: 250_000 }],
    ["entre 300 y 350 mil", { price_min: 300_000, price_max: 350_000 }],
    ["de 200 a 300 mil", { price_min: 200_000, price_max: 300_000 }],
    ["hasta 300 mil pesos", { price_max: 300_000 }],
    ["no más de 280,000 pesos", { price_max: 280_000 }],
    ["más de 400 mil", { price_min: 400_000 }],
    ["presupuesto de medio millón", { price_max: 500_000 }],
    ["alrededor de 300 mil", { price_min: 270_000, price_max: 330_000 }],
    ["tengo 180000", { price_max: 180_000 }],
  ])("price: %s", (text, expected) => {
    const q = parse(text);
    expect({ price_min: q.price_min, price_max: q.price_max }).toEqual({ price_min: undefined, price_max: undefined, ...expected });
  });

  it.each<[string, Partial<CarQuery>]>([
    ["un 2018", { year_min: 2018, year_max: 2018 }],
    ["del 2018 al 2020", { year_min: 2018, year_max: 2020 }],
    ["entre 2017 y 2019", { year_min: 2017, year_max: 2019 }],
    ["2016-2018", { year_min: 2016, year_max: 2018 }],
    ["2019 en adelante", { year_min: 2019 }],
    ["que sea 2018 o más nueva", { year_min: 2018 }],
    ["a partir del 2020", { year_min: 2020 }],
    ["hasta 2017", { year_max: 2017 }],
    ["antes del 2016", { year_max: 2015 }],
  ])("years: %s", (text, expected) => {
    const q = parse(text);
    expect({ year_min: q.year_min, year_max: q.year_max }).toEqual({ year_min: undefined, year_max: undefined, ...expected });
  });

  it("keeps years, km and prices apart in one message", () => {
    expect(parse("un versa 2019 de menos de 300 mil con menos de 50 mil km")).toEqual({
      make: "Nissan", model: "Versa", year_min: 2019, year_max: 2019, price_max: 300_000, km_max: 50_000, limit: 5,
    });
    expect(parse("menos de 60,000 kilómetros")).toEqual({ km_max: 60_000, limit: 5 });
  });

  it("reads features and the order asked", () => {
    expect(parse("con carplay y bluetooth")).toMatchObject({ carplay: true, bluetooth: true });
    expect(parse("automático")).toMatchObject({ transmission: "auto" });
    expect(parse("estándar")).toMatchObject({ transmission: "manual" });
    expect(parse("una camioneta 4x4")).toMatchObject({ four_wd: true });
    expect(parse("para 7 pasajeros")).toMatchObject({ seats_min: 7 });
    expect(parse("el más barato")).toEqual({ sort: "cheapest", limit: 1 });
    expect(parse("los más nuevos")).toEqual({ sort: "newest", limit: 5 });
    expect(parse("el de menos kilometraje")).toMatchObject({ sort: "least_km", limit: 1 });
  });
});

describe("searchCatalog", () => {
  it("the cheapest and the newest of the catalog", () => {
    expect(find("¿cuál es el más barato?").cars.map((c) => [c.stock_id, c.price])).toEqual([["291054", 138999]]);
    // Three 2023 cars: the cheapest of them first.
    expect(find("el más nuevo").cars.map((c) => [c.model, c.year])).toEqual([["Swift", 2023]]);
    expect(find("el más nuevo con carplay de menos de 300 mil").cars.map((c) => c.stock_id)).toEqual(["316168"]);
  });

  it("features narrow to the cars whose data says so", () => {
    const r = find("automático 4x4 con carplay");
    expect(r.total).toBeGreaterThan(0);
    expect(r.cars.every((c) => c.transmission === "auto" && c.four_wd && c.car_play)).toBe(true);
    expect(find("para 7 pasajeros").cars.map((c) => c.model)).toEqual(["Captiva"]);
  });

  it("relaxes in the stated order and says what it relaxed", () => {
    // km first: the only 2021 Mazda 3 has 22,700 km.
    const km = find("mazda 3 2021 con menos de 10 mil km");
    expect(km).toMatchObject({ status: "alternatives", relaxed: [{ constraint: "km", from: "≤ 10000 km", to: "any" }] });
    expect(km.cars.map((c) => c.stock_id)).toEqual(["302496"]);
    // The price by 15%: the one Versa under 200 mil is 220,999.
    const price = find("un versa 2018 de menos de 200 mil");
    expect(price.relaxed.map((r) => r.constraint)).toEqual(["year", "price"]);
    expect(price.relaxed[1]).toEqual({ constraint: "price", from: "–200000", to: "–230000" });
    expect(price.cars.map((c) => c.stock_id)).toEqual(["173312"]);
    // A Jetta 2022: no Jetta within two years, so any Volkswagen of 2020–2024.
    const model = find("jetta 2022");
    expect(model.relaxed.map((r) => r.constraint)).toEqual(["year", "model"]);
    expect(model.cars.every((c) => c.make === "Volkswagen" && c.year >= 2020 && c.year <= 2024)).toBe(true);
  });

  it("an exact match is a match, with nothing relaxed", () => {
    expect(find("un versa")).toMatchObject({ status: "match", relaxed: [], total: 2 });
  });

  it("with no car at all, says none rather than inventing one", () => {
    expect(createCatalog([], aliases).search({ make: "Nissan" })).toMatchObject({ status: "none", cars: [], total: 0 });
  });

  it("finds exactly what a plain filter and sort of every car finds, on any query (and only catalog cars)", () => {
    const makes = [...new Set(cars.map((c) => c.make))];
    const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    const query = fc.record({
      make: opt(fc.constantFrom(...makes, "Ferrari")),
      year_min: opt(fc.integer({ min: 2010, max: 2024 })),
      year_max: opt(fc.integer({ min: 2010, max: 2024 })),
      price_min: opt(fc.integer({ min: 100_000, max: 900_000 })),
      price_max: opt(fc.integer({ min: 100_000, max: 900_000 })),
      km_max: opt(fc.integer({ min: 0, max: 130_000 })),
      carplay: opt(fc.boolean()),
      transmission: opt(fc.constantFrom("auto" as const, "manual" as const)),
      four_wd: opt(fc.boolean()),
      sort: opt(fc.constantFrom("cheapest" as const, "newest" as const, "least_km" as const)),
      limit: fc.integer({ min: 1, max: 20 }),
    });
    fc.assert(
      fc.property(query, (raw) => {
        const q = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as CarQueryInput;
        const r = catalog.search(q);
        if (r.status === "match") expect({ total: r.total, cars: r.cars }).toEqual(naive(cars, q));
        else expect(naive(cars, q).total).toBe(0);
        if (r.status === "alternatives") expect({ total: r.total, cars: r.cars }).toEqual(naive(cars, r.query));
        for (const c of r.cars) expect(cars).toContain(c);
      }),
      { numRuns: 300 },
    );
  });
});
