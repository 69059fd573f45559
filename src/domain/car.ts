import { z } from "zod";

export const Transmission = z.enum(["auto", "manual"]);
export type Transmission = z.infer<typeof Transmission>;

/**
 * One car of the catalog as we serve it: the CSV's columns plus what its version text tells (transmission,
 * four-wheel drive, seats). `null` is "the catalog does not say", never a guess.
 */
export const Car = z.object({
  stock_id: z.string().regex(/^\d+$/),
  km: z.number().int().nonnegative(),
  /** Pesos. */
  price: z.number().positive(),
  make: z.string().min(1),
  model: z.string().min(1),
  year: z.number().int().min(1900).max(2100),
  version: z.string(),
  bluetooth: z.boolean(),
  car_play: z.boolean(),
  /** Millimetres. */
  largo: z.number().positive().nullable(),
  ancho: z.number().positive().nullable(),
  altura: z.number().positive().nullable(),
  transmission: Transmission.nullable(),
  four_wd: z.boolean(),
  seats: z.number().int().positive().nullable(),
});
export type Car = z.infer<typeof Car>;

const flag = z.enum(["Sí", ""]).transform((v) => v === "Sí");
const mm = z.string().transform((v, ctx) => {
  if (v.trim() === "") return null;
  const n = Number(v);
  if (!(n > 0)) ctx.addIssue({ code: "custom", message: `not a length: ${v}` });
  return n;
});

/** A row of data/catalog.csv, by column name, as the CSV holds it ("Sí" or empty flags, "461999.0" prices). */
export const CatalogRow = z
  .object({
    stock_id: z.string(),
    km: z.coerce.number(),
    price: z.coerce.number(),
    make: z.string().trim(),
    model: z.string().trim(),
    year: z.coerce.number(),
    version: z.string().trim(),
    bluetooth: flag,
    largo: mm,
    ancho: mm,
    altura: mm,
    car_play: flag,
  })
  .transform((row) => Car.parse({ ...row, ...versionFacts(row.version) }));

// Gearbox words of the catalog's version texts. "A" alone (Onix "1.0 LS A", Serie 7 "750I A") is automatic;
// ASG and Tiptronic are automated boxes without a clutch pedal, so they count as automatic for a buyer.
const AUTOMATIC = /\b(AUTO|AT|TA|A|CVT|DCT|DSG|IVT|XTRONIC|TIPTRONIC|TRONIC|ASG|STRONIC|STEPTRONIC)\b/;
const MANUAL = /\b(MT|MAN|STD|TM|ESTANDAR)\b/;
const FOUR_WD = /\b(4WD|AWD|4X4|XDRIVE|4MATIC|QUATTRO|PRO-4X|4MOTION)\b/;

/** What a version text says about the gearbox, the drive and the seats; null when it says nothing. */
export function versionFacts(version: string): Pick<Car, "transmission" | "four_wd" | "seats"> {
  const v = version.toUpperCase();
  const seats = /\b(\d)\s*(PASAJEROS|PAS\b|ASIENTOS)/.exec(v);
  const rows = /\b([23])\s*ROW\b/.exec(v);
  return {
    transmission: MANUAL.test(v) ? "manual" : AUTOMATIC.test(v) ? "auto" : null,
    four_wd: FOUR_WD.test(v),
    seats: seats ? Number(seats[1]) : rows ? (rows[1] === "3" ? 7 : 5) : null,
  };
}

export const CarSort = z.enum(["cheapest", "newest", "least_km"]);
export type CarSort = z.infer<typeof CarSort>;

/** A structured catalog search: every field narrows, an absent one does not. Prices in pesos. */
export const CarQuery = z
  .object({
    make: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    year_min: z.number().int().optional(),
    year_max: z.number().int().optional(),
    price_min: z.number().nonnegative().optional(),
    price_max: z.number().nonnegative().optional(),
    km_max: z.number().int().nonnegative().optional(),
    bluetooth: z.boolean().optional(),
    carplay: z.boolean().optional(),
    seats_min: z.number().int().positive().optional(),
    transmission: Transmission.optional(),
    four_wd: z.boolean().optional(),
    /** Absent: cheapest first. */
    sort: CarSort.optional(),
    limit: z.number().int().min(1).max(50).default(5),
  })
  .strict();
export type CarQuery = z.infer<typeof CarQuery>;
export type CarQueryInput = z.input<typeof CarQuery>;

/** A nickname or a name the catalog may not hold: candidates in order, the first the catalog holds wins. */
export const CatalogAliases = z.object({
  aliases: z.record(z.string(), z.array(z.object({ make: z.string(), model: z.string().optional() })).min(1)),
  /** Model names that are also everyday words ("uno"): taken as a model only with the make in the text. */
  needs_make: z.array(z.string()),
  /** Words never read as a make or model by the typo match, however close ("auto" to "Audi"). */
  not_names: z.array(z.string()),
});
export type CatalogAliases = z.infer<typeof CatalogAliases>;
