import { normalize } from "../domain/text-rules.js";

export { normalize };

/** A name as we compare it: accents, case, spaces and punctuation gone ("CX-5", "cx 5" and "cx5" alike). */
export function nameKey(name: string): string {
  return normalize(name).replace(/[^a-z0-9]/g, "");
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), stopped early past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Blanks a span of text, keeping every other position where it was. */
export function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + " ".repeat(end - start) + text.slice(end);
}

/** "a, b y c" (or "o"), as a customer reads a list; one item alone. */
export function listEs(items: readonly string[], conjunction: "y" | "o"): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1)}`;
}
