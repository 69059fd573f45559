import { describe, expect, it } from "vitest";
import { catalogCars } from "../../src/app/chat-cards.js";
import { loadToolData } from "../../src/tools/index.js";

const data = loadToolData();

describe("a turn's car cards", () => {
  it("are the cars the catalog searches returned, in order, each once, whatever else the turn called", () => {
    const jetta = data.catalog.search({ make: "Volkswagen", model: "Jetta", limit: 3 });
    const versa = data.catalog.search({ make: "Nissan", model: "Versa", limit: 2 });
    const cars = catalogCars([
      { name: "search_catalog", args: {}, result: jetta },
      { name: "simulate_financing", args: {}, result: { ok: true, cars: versa.cars } },
      // A model's call: the tool's JSON as parsed, with the catalog's every field (more than a card shows).
      { name: "search_catalog", args: {}, result: JSON.parse(JSON.stringify({ ...versa, recognised: [] })) },
      { name: "search_catalog", args: {}, result: jetta },
    ]);
    expect(cars.map((c) => c.stock_id)).toEqual([...jetta.cars, ...versa.cars].map((c) => c.stock_id));
    expect(Object.keys(cars[0]!).sort()).toEqual(["km", "make", "model", "price", "stock_id", "version", "year"]);
  });

  it("are none for a search that found nothing or a tool's error text", () => {
    expect(catalogCars([{ name: "search_catalog", args: {}, result: "Error: invalid input" }])).toEqual([]);
    expect(catalogCars([{ name: "search_catalog", args: {}, result: { status: "none", cars: [], total: 0 } }])).toEqual([]);
  });
});
