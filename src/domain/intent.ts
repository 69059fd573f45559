import { z } from "zod";

/** What a customer's message asks of the conversation graph; one message may ask several (data/intents/README.md). */
export const INTENTS = ["greeting", "car_search", "financing", "company_info", "sales", "support", "human", "out_of_scope"] as const;
export const Intent = z.enum(INTENTS);
export type Intent = z.infer<typeof Intent>;

/** One labelled line of data/intents/*.jsonl. */
export const IntentExample = z.object({
  text: z.string(),
  intents: z.array(Intent).min(1).refine((xs) => new Set(xs).size === xs.length, "an intent is listed twice"),
});
export type IntentExample = z.infer<typeof IntentExample>;

// The normaliser leaves only a-z, 0-9 and single spaces: a key with anything else could never match.
const word = z.string().regex(/^[a-z0-9]+$/, "must be lower case letters and digits, as the normaliser leaves them");
const phrase = z.string().regex(/^[a-z0-9]+( [a-z0-9]+)+$/, "must be two or more words of lower case letters and digits");

/** Slang, typos and a few English words mapped to the words the classifier learns from (data/intents/lexicon.json). */
export const IntentLexicon = z.object({
  /** Several words read as one token, replaced before the words are split. */
  phrases: z.record(phrase, z.string().regex(/^[a-z0-9_ ]+$/)),
  /** One word read as another (a canonical spelling or a class such as "modelo"). */
  tokens: z.record(word, z.string().regex(/^[a-z0-9_]+$/)),
});
export type IntentLexicon = z.infer<typeof IntentLexicon>;

/** How the offline classifier learns (data/intents/settings.json); chosen by cross-validation on the training set. */
export const IntentSettings = z.object({
  seed: z.number().int(),
  epochs: z.number().int().min(1),
  learning_rate: z.number().positive(),
  l2: z.number().min(0),
  /** Lengths of the character n-grams taken inside each word, e.g. [3, 5]. */
  char_ngrams: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  /** A character n-gram's value in a message's vector; a word's or a pair's is 1. */
  char_weight: z.number().positive(),
  /** Synthetic two-part messages added to training, as a share of the training lines. */
  pairs: z.number().min(0),
  /** Folds of the cross-validation that picks the threshold from the training set alone. */
  folds: z.number().int().min(2),
  /** The probability at which an intent joins the likeliest one; written by that cross-validation. */
  threshold: z.number().min(0).max(1),
});
export type IntentSettings = z.infer<typeof IntentSettings>;
