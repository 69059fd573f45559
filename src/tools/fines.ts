import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { interpolate } from "../domain/fill.js";
import type { Fine, FinesSample, FinesTexts } from "../domain/fine.js";
import { formatPesos } from "./amounts.js";
import { toolDescription } from "./describe.js";
import type { PlateReader } from "./plate.js";
import { listEs } from "./text.js";

/**
 * Where fines are looked up. `known: false` is "this provider has no record of the plate", which is not
 * "the plate has no fines": the answer must say which.
 */
export interface FinesProvider {
  /** Where the answer comes from, as the customer reads it. */
  readonly source: string;
  /** `plate` as PlateReader.parse writes it. */
  lookup(plate: string): Promise<{ known: boolean; fines: Fine[] }>;
}

/** The offline provider: the invented plates of data/fines-sample.json. A sample plate of no accepted shape is a bug in the file. */
export function sampleFinesProvider(sample: FinesSample, plates: PlateReader): FinesProvider {
  const byPlate = new Map<string, Fine[]>();
  for (const [written, fines] of Object.entries(sample.plates)) {
    const plate = plates.parse(written);
    if (!plate) throw new Error(`data/fines-sample.json: ${written} is not a plate of data/plate-formats.json`);
    byPlate.set(plate, fines);
  }
  return {
    source: sample.source,
    lookup: async (plate) => {
      const fines = byPlate.get(plate);
      return { known: fines !== undefined, fines: fines ?? [] };
    },
  };
}

export const LookupFinesInput = z.object({ plate: z.string().trim().min(1).max(30).describe("the car's plate as the customer wrote it, e.g. ABC-123-D") });

export type FinesLookup =
  | {
      ok: true;
      plate: string;
      source: string;
      /** false: the provider has no record of the plate (not: the plate has no fines). */
      known: boolean;
      fines: Array<Fine & { amount: string }>;
      pending_count: number;
      pending_total_cents: number;
      pending_total: string;
      /** What the customer reads: the figures above, and where they come from. */
      message: string;
    }
  | { ok: false; refusals: Array<{ code: "plate_unreadable"; field: "plate"; message: string }> };

/** "¿Tiene multas mi auto?": the plate read, then the provider asked. */
export function createFinesLookup(deps: { provider: FinesProvider; plates: PlateReader; texts: FinesTexts }) {
  return async (input: z.input<typeof LookupFinesInput>): Promise<FinesLookup> => {
    const { plate: written } = LookupFinesInput.parse(input);
    const plate = deps.plates.parse(written);
    if (!plate) {
      const message = interpolate(deps.texts.plate_unreadable, { plate: written, examples: listEs(deps.plates.examples, "o") });
      return { ok: false, refusals: [{ code: "plate_unreadable", field: "plate", message }] };
    }
    const { known, fines } = await deps.provider.lookup(plate);
    const pending = fines.filter((f) => f.status === "pending");
    const pending_total_cents = pending.reduce((sum, f) => sum + f.amount_cents, 0);
    const vars = { plate, source: deps.provider.source, pending_count: String(pending.length), pending_total: formatPesos(pending_total_cents) };
    const text = !known ? deps.texts.not_found : pending.length === 0 ? deps.texts.no_pending : deps.texts.fines;
    return {
      ok: true,
      plate,
      source: deps.provider.source,
      known,
      fines: fines.map((f) => ({ ...f, amount: formatPesos(f.amount_cents) })),
      pending_count: pending.length,
      pending_total_cents,
      pending_total: vars.pending_total,
      message: interpolate(text, vars),
    };
  };
}

export function createFinesTool(lookup: ReturnType<typeof createFinesLookup>, descriptions: Record<string, string>) {
  return tool(async (input) => JSON.stringify(await lookup(input)), { name: "lookup_fines", description: toolDescription(descriptions, "lookup_fines"), schema: LookupFinesInput });
}
