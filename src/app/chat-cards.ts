import { z } from "zod";
import { CarRef, type ToolCall } from "../domain/conversation.js";

/** What a catalog search answers, as far as a card needs it (the tool's whole result, offline or a model's call). */
const CatalogCars = z.object({ cars: z.array(CarRef) });

/**
 * The cars a turn's catalog searches returned, in order, each once: only what the tool produced, never a car
 * the reply's text names. A result that is not a catalog answer (a tool's error text) gives none.
 */
export function catalogCars(tools: readonly ToolCall[]): CarRef[] {
  const seen = new Set<string>();
  return tools
    .filter((t) => t.name === "search_catalog")
    .flatMap((t) => CatalogCars.safeParse(t.result).data?.cars ?? [])
    .filter((car) => !seen.has(car.stock_id) && seen.add(car.stock_id));
}
