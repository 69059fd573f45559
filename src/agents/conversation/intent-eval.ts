import { INTENTS, type Intent, type IntentExample } from "../../domain/intent.js";

export interface IntentScore {
  precision: number;
  recall: number;
  f1: number;
  /** Messages labelled with this intent. */
  support: number;
}

export interface IntentEvaluation {
  /** Share of messages whose predicted set of intents is exactly the labelled one. */
  exactSet: number;
  perIntent: Record<Intent, IntentScore>;
  misses: Array<{ text: string; expected: Intent[]; got: Intent[] }>;
}

export function evaluateIntents(classify: (text: string) => Intent[], examples: readonly IntentExample[]): IntentEvaluation {
  const counts = Object.fromEntries(INTENTS.map((i) => [i, { tp: 0, fp: 0, fn: 0 }])) as Record<Intent, { tp: number; fp: number; fn: number }>;
  const misses: IntentEvaluation["misses"] = [];
  for (const e of examples) {
    const got = classify(e.text);
    for (const i of INTENTS) {
      const p = got.includes(i);
      const a = e.intents.includes(i);
      if (p && a) counts[i].tp++;
      else if (p) counts[i].fp++;
      else if (a) counts[i].fn++;
    }
    const exact = got.length === e.intents.length && got.every((i) => e.intents.includes(i));
    if (!exact) misses.push({ text: e.text, expected: [...e.intents], got });
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const perIntent = Object.fromEntries(
    INTENTS.map((i) => {
      const { tp, fp, fn } = counts[i];
      return [i, { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn), support: tp + fn }];
    }),
  ) as Record<Intent, IntentScore>;
  return { exactSet: ratio(examples.length - misses.length, examples.length), perIntent, misses };
}
