import type { IntentLexicon } from "../../domain/intent.js";
import { normalize } from "../../domain/text-rules.js";

/**
 * Past this many characters a message is read no further: intents show in its opening, and a
 * 10,000-character paste must cost what a long message costs.
 */
export const MAX_CHARS = 2_000;

/** The word every emoji becomes, so an emoji-only message still has something to classify. */
export const EMOJI_WORD = "emoji";

export interface NormalisedMessage {
  /** Lower case, accent-free, letters and digits only, repeated letters collapsed: the text char n-grams see. */
  folded: string;
  /** The folded words after the lexicon: slang and nicknames in their canonical form, numbers as classes. */
  words: string[];
}

const PICTOGRAPH = /\p{Extended_Pictographic}+/gu;
// Three or more of a letter are emphasis ("holaaa", "siiii"); two are spelling ("carro", "llanta").
const STRETCHED = /([a-z])\1{2,}/g;

function numberWord(w: string): string | string[] {
  if (/^(19|20)\d\d$/.test(w)) return "anio";
  if (/^\d+k$/.test(w)) return ["num", "mil"];
  if (/^\d+$/.test(w)) return "num";
  return w;
}

export class Normaliser {
  private readonly phrases: ReadonlyArray<readonly [RegExp, string]>;

  constructor(private readonly lexicon: IntentLexicon) {
    // Longest first, so a phrase wins over a shorter one inside it. Keys are plain words (the schema), safe in a RegExp.
    this.phrases = Object.entries(lexicon.phrases)
      .sort(([a], [b]) => b.length - a.length)
      .map(([from, to]) => [new RegExp(`(?<= |^)${from}(?= |$)`, "g"), to] as const);
  }

  normalise(raw: string): NormalisedMessage {
    const folded = normalize(raw.slice(0, MAX_CHARS).replace(PICTOGRAPH, ` ${EMOJI_WORD} `))
      .replace(STRETCHED, "$1")
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
    let joined = folded.split(" ").flatMap(numberWord).join(" ");
    for (const [re, to] of this.phrases) joined = joined.replace(re, to);
    const words = joined === "" ? [] : joined.split(" ").map((w) => this.lexicon.tokens[w] ?? w);
    return { folded, words };
  }
}
