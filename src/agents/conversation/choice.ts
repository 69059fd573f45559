import type { CarRef } from "../../domain/conversation.js";
import type { ParsedCarQuery } from "../../tools/index.js";
import { normalize } from "../../domain/text-rules.js";

export type Choice = { car: CarRef } | { colour: string } | { unknown: true };

const ORDINALS: Array<[RegExp, (n: number) => number]> = [
  [/\b(?:primer|primero|primera|1ro|1ra|1er)\b/, () => 0],
  [/\b(?:segundo|segunda|2do|2da)\b/, () => 1],
  [/\b(?:tercer|tercero|tercera|3ro|3ra|3er)\b/, () => 2],
  [/\b(?:cuarto|cuarta|4to|4ta)\b/, () => 3],
  [/\b(?:quinto|quinta|5to|5ta)\b/, () => 4],
  [/\b(?:ultimo|ultima)\b/, (n) => n - 1],
];
/** "el 2", "la opción 3", "número 1": a position in the list, not an amount. */
const POSITION = /\b(?:el|la|opcion|numero|#)\s*([1-9])\b(?!\s*(?:mil|k|%|meses|anos|km))/;
const DEMONSTRATIVE = /^(?:ese|esa|este|esta|ese mero|esa mera|ese me gusta|me gusta ese|me interesa ese|ese mismo)$/;

/**
 * Which car of the last list a message picks: by position ("el segundo", "el último", "la opción 2"), by
 * name when it fits one car of the list only ("el Versa", "el 2019"), or "ese" when the list had one. A
 * colour cannot pick: the catalog does not record colours. `colourWords` come from data/conversation.json.
 */
export function chooseFromResults(text: string, results: readonly CarRef[], parsed: ParsedCarQuery, colourWords: readonly string[]): Choice | undefined {
  if (results.length === 0) return undefined;
  const t = normalize(text).replace(/[¿?¡!.,;]/g, " ").replace(/\s+/g, " ").trim();
  for (const [re, at] of ORDINALS)
    if (re.test(t)) {
      const car = results[at(results.length)];
      return car ? { car } : { unknown: true };
    }
  const position = POSITION.exec(t);
  if (position) {
    const car = results[Number(position[1]) - 1];
    return car ? { car } : { unknown: true };
  }
  if (results.length === 1 && DEMONSTRATIVE.test(t)) return { car: results[0]! };
  const colour = colourWords.find((c) => new RegExp(`\\b${c}\\b`).test(t));
  // A short message naming a model or a year of the list picks it when it fits one car only; a longer one is a new search.
  const { query } = parsed;
  const named = query.model !== undefined || query.year_min !== undefined;
  if (named && t.split(" ").length <= 6) {
    const fits = results.filter(
      (c) => (query.model === undefined || c.model === query.model) && (query.year_min === undefined || (c.year >= query.year_min && c.year <= (query.year_max ?? query.year_min))),
    );
    if (fits.length === 1) return { car: fits[0]! };
  }
  if (colour && t.split(" ").length <= 4) return { colour };
  return undefined;
}
