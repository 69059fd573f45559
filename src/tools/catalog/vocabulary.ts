import type { CatalogAliases } from "../../domain/car.js";
import { editDistance, nameKey } from "../text.js";

export interface CarName {
  make: string;
  model?: string;
}

export interface NameMatch extends CarName {
  /** The words of the text that named it (normalized). */
  text: string;
  how: "exact" | "alias" | "typo";
}

/** The makes and models a customer may name, from the catalog itself and the alias file. */
export interface CatalogVocabulary {
  exact: Map<string, CarName>;
  aliases: Map<string, CarName>;
  needsMake: Set<string>;
  notNames: Set<string>;
  /** One-word keys the typo match compares a word against. */
  fuzzy: Array<[string, CarName, "exact" | "alias"]>;
}

/**
 * An alias names the first of its candidates the catalog holds ("chevy": the Chevy if there is one, else any
 * Chevrolet), or its first candidate when the catalog holds none ("tsuru": a search that finds nothing, and
 * alternatives that say so), never a car that is not there.
 */
export function buildVocabulary(
  names: ReadonlyArray<{ make: string; model: string }>,
  aliases: CatalogAliases,
  holds: (make: string, model?: string) => boolean,
): CatalogVocabulary {
  const exact = new Map<string, CarName>();
  for (const n of names) if (!exact.has(nameKey(n.make))) exact.set(nameKey(n.make), { make: n.make });
  for (const n of names) if (!exact.has(nameKey(n.model))) exact.set(nameKey(n.model), { make: n.make, model: n.model });
  const alias = new Map<string, CarName>();
  for (const [word, candidates] of Object.entries(aliases.aliases)) {
    const held = candidates.find((c) => holds(c.make, c.model)) ?? candidates[0]!;
    alias.set(nameKey(word), catalogSpelling(held, names));
  }
  const fuzzy: CatalogVocabulary["fuzzy"] = [];
  for (const [key, name] of exact) if (key.length >= 4 && !/\d/.test(key)) fuzzy.push([key, name, "exact"]);
  for (const [key, name] of alias) if (key.length >= 4 && !/\d/.test(key) && !exact.has(key)) fuzzy.push([key, name, "alias"]);
  return {
    exact,
    aliases: alias,
    needsMake: new Set(aliases.needs_make.map(nameKey)),
    notNames: new Set(aliases.not_names.map(nameKey)),
    fuzzy,
  };
}

/** The alias file may spell a make differently from the catalog ("KIA", "Kia"): the catalog's spelling wins. */
function catalogSpelling(name: CarName, names: ReadonlyArray<{ make: string; model: string }>): CarName {
  const held = names.find((n) => nameKey(n.make) === nameKey(name.make));
  const model = name.model === undefined ? undefined : names.find((n) => held && n.make === held.make && nameKey(n.model) === nameKey(name.model!));
  return { make: held?.make ?? name.make, ...(name.model === undefined ? {} : { model: model?.model ?? name.model }) };
}

/** The typo a word may carry: one edit in a short word, two in a long one. */
const allowedEdits = (word: string) => (word.length <= 5 ? 1 : 2);

/**
 * Makes and models named in the text, longest phrase first ("mazda 3" before "mazda"). A typo is matched
 * only on a word of four letters or more that starts like the name and is no everyday word ("tras" is not
 * a Trax); a model whose name is a number or an everyday word ("208", "uno") counts only next to its make.
 */
export function vocabularyMatch(text: string, v: CatalogVocabulary): NameMatch[] {
  const words = [...text.matchAll(/[a-z0-9]+/g)].map((m) => m[0]);
  const found: NameMatch[] = [];
  for (let i = 0; i < words.length; ) {
    let matched = 0;
    for (let len = Math.min(3, words.length - i); len >= 1 && !matched; len--) {
      const phrase = words.slice(i, i + len);
      const key = phrase.join("");
      const hit = v.exact.get(key) ?? v.aliases.get(key);
      if (hit) {
        found.push({ ...hit, text: phrase.join(" "), how: v.exact.has(key) ? "exact" : "alias" });
        matched = len;
      }
    }
    if (!matched) {
      const typo = typoOf(words[i]!, v);
      if (typo) found.push(typo);
      matched = 1;
    }
    i += matched;
  }
  const makes = new Set(found.filter((f) => f.model === undefined).map((f) => f.make));
  return found.filter((f) => f.model === undefined || !(v.needsMake.has(nameKey(f.model)) || /^\d+$/.test(nameKey(f.model))) || makes.has(f.make));
}

function typoOf(word: string, v: CatalogVocabulary): NameMatch | undefined {
  if (word.length < 4 || /\d/.test(word) || v.notNames.has(word)) return undefined;
  const max = allowedEdits(word);
  let best: NameMatch | undefined;
  let bestDistance = max + 1;
  let tie = false;
  for (const [key, name] of v.fuzzy) {
    if (key[0] !== word[0]) continue;
    const d = editDistance(word, key, max);
    if (d < bestDistance) (best = { ...name, text: word, how: "typo" }), (bestDistance = d), (tie = false);
    else if (d === bestDistance && best && (best.make !== name.make || best.model !== name.model)) tie = true;
  }
  return tie ? undefined : best;
}
