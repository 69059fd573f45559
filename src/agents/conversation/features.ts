import type { NormalisedMessage } from "./normalise.js";

/** A sparse vector: feature indices (ascending, distinct) and their values. */
export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

/**
 * The names of a message's features in three groups: words, pairs of neighbouring words, and
 * character n-grams inside each folded word (which catch typos and word forms the lexicon does not).
 */
export function featureGroups(m: NormalisedMessage, [nMin, nMax]: readonly [number, number]): string[][] {
  const words = m.words.map((w) => `w:${w}`);
  const pairs = m.words.slice(1).map((w, i) => `b:${m.words[i]} ${w}`);
  const chars: string[] = [];
  for (const word of m.folded.split(" ")) {
    if (word === "") continue;
    const padded = ` ${word} `;
    for (let n = nMin; n <= nMax; n++) for (let i = 0; i + n <= padded.length; i++) chars.push(`c:${padded.slice(i, i + n)}`);
  }
  return [words, pairs, chars];
}

/**
 * The features the training set shows, each with its column. Presence, not counts: a word or a pair is
 * worth 1, whatever the message's length (a greeting at the head of a long question must still count),
 * and a character n-gram `charWeight`, small, as a word yields dozens of them.
 */
export class Vocabulary {
  private readonly columns = new Map<string, number>();

  constructor(private readonly charWeight: number) {}

  get size(): number {
    return this.columns.size;
  }

  /** Adds the names not seen yet (training only). */
  learn(groups: readonly string[][]): void {
    for (const g of groups) for (const name of g) if (!this.columns.has(name)) this.columns.set(name, this.columns.size);
  }

  /** Names the training set never showed are dropped. */
  vector([words, pairs, chars]: readonly string[][]): SparseVector {
    const cells = new Map<number, number>();
    const put = (names: readonly string[], weight: number) => {
      for (const n of names) {
        const c = this.columns.get(n);
        if (c !== undefined) cells.set(c, weight);
      }
    };
    put(words!, 1);
    put(pairs!, 1);
    put(chars!, this.charWeight);
    const index = Int32Array.from([...cells.keys()].sort((a, b) => a - b));
    return { index, value: Float64Array.from(index, (c) => cells.get(c)!) };
  }
}
