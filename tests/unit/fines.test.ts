import { describe, expect, it } from "vitest";
import type { FinesSample } from "../../src/domain/fine.js";
import { loadFinesSample, loadFinesTexts, loadPlateFormats, loadToolDescriptions } from "../../src/store/assets.js";
import { createFinesLookup, createFinesTool, sampleFinesProvider } from "../../src/tools/fines.js";
import { loadOfflineFinesLookup } from "../../src/tools/index.js";
import { plateReader } from "../../src/tools/plate.js";

const plates = plateReader(loadPlateFormats());
const texts = loadFinesTexts();

describe("plateReader over data/plate-formats.json", () => {
  it.each([
    ["ABC-123-D", "ABC-123-D"],
    ["abc 123 d", "ABC-123-D"],
    ["abc123d", "ABC-123-D"],
    ["ABC-1234", "ABC-1234"],
    ["abc-12-34", "ABC-1234"],
    ["123-ABC", "123-ABC"],
    ["123 abc", "123-ABC"],
  ])("reads %s as %s", (text, plate) => {
    expect(plates.parse(text)).toBe(plate);
  });

  it.each(["", "AB-123", "ABCD-123", "ABC-123-DE", "123-AB1", "12-ABC", "ÑBC-123-D", "mi placa", "55 1234 5678"])("refuses %o", (text) => {
    expect(plates.parse(text)).toBeUndefined();
  });

  it("gives one example per accepted shape, each read as itself", () => {
    expect(plates.examples.length).toBe(loadPlateFormats().length);
    for (const e of plates.examples) expect(plates.parse(e)).toBe(e);
  });
});

const sample: FinesSample = {
  source: "proveedor de prueba",
  plates: {
    "ABC-123-D": [
      { amount_cents: 150_000, date: "2026-03-14", reason: "Exceso de velocidad", status: "pending" },
      { amount_cents: 99_950, date: "2026-04-01", reason: "Luz roja", status: "pending" },
      { amount_cents: 50_000, date: "2025-11-02", reason: "Estacionarse en lugar prohibido", status: "paid" },
    ],
    "XYZ-1234": [{ amount_cents: 10_000, date: "2025-01-01", reason: "Vuelta prohibida", status: "paid" }],
  },
};
const lookup = createFinesLookup({ provider: sampleFinesProvider(sample, plates), plates, texts });

describe("lookup_fines on the sample provider", () => {
  it("lists a plate's fines and totals the pending ones, whatever way the plate was written", async () => {
    const r = await lookup({ plate: "abc 123 d" });
    expect(r).toMatchObject({ ok: true, plate: "ABC-123-D", source: "proveedor de prueba", known: true, pending_count: 2, pending_total_cents: 249_950, pending_total: "$2,499.50" });
    if (!r.ok) return;
    expect(r.fines.map((f) => f.amount)).toEqual(["$1,500.00", "$999.50", "$500.00"]);
    expect(r.message).toContain("$2,499.50");
    expect(r.message).toContain("proveedor de prueba");
  });

  it("a plate with paid fines only has none pending", async () => {
    const r = await lookup({ plate: "XYZ-1234" });
    expect(r).toMatchObject({ ok: true, known: true, pending_count: 0, pending_total_cents: 0 });
    if (r.ok) expect(r.message).toMatch(/no tiene multas pendientes/);
  });

  it("an unknown plate: no fines found in the provider, said as such, never as a clean record", async () => {
    const r = await lookup({ plate: "123-ABC" });
    expect(r).toMatchObject({ ok: true, plate: "123-ABC", known: false, fines: [], pending_count: 0 });
    if (!r.ok) return;
    expect(r.message).toMatch(/No encontramos multas .* proveedor de prueba/);
    expect(r.message).toMatch(/no confirma que no tenga multas/);
  });

  it("refuses a plate it cannot read, naming the shapes it reads", async () => {
    const r = await lookup({ plate: "AB-12" });
    expect(r).toMatchObject({ ok: false, refusals: [{ code: "plate_unreadable", field: "plate" }] });
    if (r.ok) return;
    for (const e of plates.examples) expect(r.refusals[0]!.message).toContain(e);
  });

  it("a sample plate of no accepted shape is refused when the provider is built", () => {
    expect(() => sampleFinesProvider({ source: "x", plates: { "AB-12": [] } }, plates)).toThrow(/AB-12/);
  });

  it("the shipped sample: a dozen invented plates, every one readable", async () => {
    const shipped = loadFinesSample();
    expect(Object.keys(shipped.plates).length).toBeGreaterThanOrEqual(12);
    const provider = sampleFinesProvider(shipped, plates);
    for (const p of Object.keys(shipped.plates)) expect((await provider.lookup(plates.parse(p)!)).known).toBe(true);
    expect(await loadOfflineFinesLookup()({ plate: "ABC-123-D" })).toMatchObject({ ok: true, known: true, source: shipped.source });
  });
});

describe("the lookup_fines tool", () => {
  const descriptions = loadToolDescriptions();
  const t = createFinesTool(lookup, descriptions);

  it("is described in prompts/llm/tools.json and answers the lookup's JSON", async () => {
    expect(t.name).toBe("lookup_fines");
    expect(t.description).toBe(descriptions["lookup_fines"]);
    expect(JSON.parse(await t.invoke({ plate: "ABC-123-D" }))).toEqual(await lookup({ plate: "ABC-123-D" }));
    expect(() => createFinesTool(lookup, {})).toThrow(/no description for lookup_fines/);
  });

  it("refuses an empty plate, naming the field", async () => {
    await expect(t.invoke({ plate: "" })).rejects.toThrow(/plate/);
  });
});
