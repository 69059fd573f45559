import type { CarQuery } from "../../domain/car.js";
import { isMoney, moneyAmounts, unitAmount } from "../amounts.js";
import { blank, normalize } from "../text.js";
import { vocabularyMatch, type CatalogVocabulary, type NameMatch } from "./vocabulary.js";

export interface ParsedCarQuery {
  query: CarQuery;
  /** The makes and models read from the text, and how: so a reply can say "¿Jetta?" after "jeta". */
  names: NameMatch[];
}

const YEAR = String.raw`((?:19[89]|20[0-4])\d)`;
const KM = /km|kms|kilometros|kilometraje/;

/**
 * Reads a catalog search from a customer's Spanish: years and ranges, km, prices, features, sort, and the
 * make and model (exact, nickname, or typo). What it does not understand it leaves out: an absent field
 * does not narrow the search.
 */
export function parseCarQuery(text: string, vocab: CatalogVocabulary): ParsedCarQuery {
  let t = ` ${normalize(text).replace(/[¿?¡!;]/g, " ")} `;
  const q: Partial<CarQuery> = {};
  const take = (re: RegExp, on: (m: RegExpExecArray) => void) => {
    for (let m = re.exec(t); m; m = re.exec(t)) on(m), (t = blank(t, m.index, m.index + m[0].length));
  };

  // Years first, so "2018" is never read as an amount; ranges before single years.
  take(new RegExp(String.raw`\b(?:del?|entre)\s+(?:el\s+|los\s+)?${YEAR}\s+(?:al?|y|hasta)\s+(?:el\s+)?${YEAR}\b`), (m) => setYears(q, +m[1]!, +m[2]!));
  take(new RegExp(String.raw`\b${YEAR}\s*(?:-|a|al)\s*${YEAR}\b`), (m) => setYears(q, +m[1]!, +m[2]!));
  take(new RegExp(String.raw`\b(?:desde|a partir)\s+(?:de\s+|del\s+)?(?:el\s+)?${YEAR}\b`), (m) => (q.year_min = +m[1]!));
  take(new RegExp(String.raw`\b(?:del?\s+|modelo\s+)?${YEAR}\s+(?:en adelante|para arriba|pa arriba|hacia arriba|o mas nuev[oa]|o mas recientes?|o superior|o despues)`), (m) => (q.year_min = +m[1]!));
  take(new RegExp(String.raw`\bdespues del?\s+${YEAR}\b`), (m) => (q.year_min = +m[1]! + 1));
  take(new RegExp(String.raw`\bhasta\s+(?:el\s+)?${YEAR}\b|\b${YEAR}\s+o (?:anterior|antes|mas viejo)`), (m) => (q.year_max = +(m[1] ?? m[2])!));
  take(new RegExp(String.raw`\bantes del?\s+${YEAR}\b`), (m) => (q.year_max = +m[1]! - 1));
  take(new RegExp(String.raw`(?<![\d$.,])\b${YEAR}\b(?!\s*(?:mil|k\b|pesos|km|kms|kilometros|,\d|\.\d))`), (m) => setYears(q, +m[1]!, +m[1]!));

  // Km before prices: "menos de 50 mil km" is no budget.
  for (const a of unitAmount(t, KM)) {
    q.km_max = a.value;
    const before = /(?:menos de|hasta|maximo|max|no mas de|debajo de)\s*$/.exec(t.slice(0, a.start));
    t = blank(t, before ? before.index : a.start, a.end);
  }
  readPrices(t, q);

  readFeatures(t, q);
  const names = vocabularyMatch(t, vocab);
  const model = names.find((n) => n.model !== undefined);
  const make = model ?? names.find((n) => n.make !== undefined);
  if (make) q.make = make.make;
  if (model) q.model = model.model;
  return { query: { limit: 5, ...q }, names };
}

function setYears(q: Partial<CarQuery>, a: number, b: number) {
  q.year_min = Math.min(a, b);
  q.year_max = Math.max(a, b);
}

const MIN = /(?:mas de|desde|arriba de|minimo|por encima de|mayor a|mas alla de)\s*$/;
const ABOUT = /(?:alrededor de|como|unos|cerca de|aprox|aproximadamente|mas o menos)\s*(?:de\s*)?$/;

/** Price phrases: "menos de 250 mil", "entre 300 y 350 mil", "de 200 a 300 mil", "desde 400k"; a bare amount is a budget. */
function readPrices(t: string, q: Partial<CarQuery>) {
  const amounts = moneyAmounts(t);
  for (let i = 0; i < amounts.length; i++) {
    const a = amounts[i]!;
    const b = amounts[i + 1];
    const between = b && /^\s*(?:y|a|al|-|hasta)\s*$/.test(t.slice(a.end, b.start)) && /(?:entre|de|desde)\s*$/.test(t.slice(0, a.start));
    if (between && isMoney(b)) {
      // "entre 300 y 350 mil": the second end's unit is the first's too, when the first has none.
      const scale = b.value / b.raw;
      const lo = a.unit ? a.value : a.raw * scale;
      q.price_min = Math.min(lo, b.value);
      q.price_max = Math.max(lo, b.value);
      i++;
      continue;
    }
    if (!isMoney(a)) continue;
    const before = t.slice(Math.max(0, a.start - 40), a.start);
    if (MIN.test(before) && !/no mas de\s*$/.test(before)) q.price_min = a.value;
    else if (ABOUT.test(before)) (q.price_min = Math.round(a.value * 0.9)), (q.price_max = Math.round(a.value * 1.1));
    else q.price_max = a.value;
  }
}

const FEATURES: Array<[RegExp, (q: Partial<CarQuery>, m: RegExpExecArray) => void]> = [
  [/\b(?:apple\s*)?car\s*play\b/, (q) => (q.carplay = true)],
  [/\b(?:bluetooth|blutut|bluetut|blutooth|bluetoot)\b/, (q) => (q.bluetooth = true)],
  [/\b(?:automatic[oa]s?|transmision automatica|cvt)\b/, (q) => (q.transmission = "auto")],
  [/\b(?:estandar|manual|de velocidades|transmision manual)\b/, (q) => (q.transmission = "manual")],
  [/\b(?:4x4|4wd|awd|doble traccion|traccion (?:integral|total|en las cuatro))\b/, (q) => (q.four_wd = true)],
  [/\b(\d)\s*(?:pasajeros|asientos|plazas|lugares)\b|\bpara\s+(\d)\s*(?:personas)?\b/, (q, m) => (q.seats_min = Number(m[1] ?? m[2]))],
  [/\b(?:tres filas|3 filas|tercera fila)\b/, (q) => (q.seats_min = 7)],
  [/\b(?:mas barat[oa]s?|mas economic[oa]s?|menor precio|mas accesibles?)\b/, (q) => (q.sort = "cheapest")],
  [/\b(?:mas nuev[oa]s?|mas recientes?|modelo mas reciente|ultimo modelo)\b/, (q) => (q.sort = "newest")],
  [/\b(?:menos (?:kilometraje|km|kilometros|recorrido|kms)|menor kilometraje|menos usad[oa])\b/, (q) => (q.sort = "least_km")],
];

function readFeatures(t: string, q: Partial<CarQuery>) {
  for (const [re, set] of FEATURES) {
    const m = re.exec(t);
    if (m) set(q, m);
  }
  // "el más barato" is one car; "los más baratos", several.
  if (q.sort && /\b(?:el|la)\s+(?:auto\s+|carro\s+|coche\s+|de\s+)?(?:mas|menos|menor)\b/.test(t)) q.limit = 1;
}
