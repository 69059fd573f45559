/**
 * The offline intent classifier (issue 11): exact-set accuracy and per-intent F1 on the held-out file,
 * training time and classification throughput. Not a test: it prints figures.
 *
 *   npm run bench:intents -- [--rounds 5] [--messages 20000]
 *   npm run bench:intents -- --validate [--epochs N --learning-rate X --l2 X --ngrams 3,5 --char-weight X --pairs X --folds K]
 *   npm run bench:intents -- --tune
 *
 * --validate and --tune never read the held-out file. --validate cross-validates on the training set
 * alone (5 outer folds, each classifier choosing its threshold on its own inner folds), which is how
 * the settings in data/intents/settings.json were chosen; --tune writes the threshold that the
 * cross-validation on the whole training set gives into that file.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { INTENTS, type IntentSettings } from "../src/domain/intent.js";
import { evaluateIntents, type IntentEvaluation } from "../src/agents/conversation/intent-eval.js";
import { HELD_OUT_FILE, IntentClassifier, TRAINING_FILE, tuneThreshold } from "../src/agents/conversation/intents.js";
import { rngFor } from "../src/policy/random.js";
import { INTENTS_DIR, loadIntentExamples, loadIntentLexicon, loadIntentSettings } from "../src/store/assets.js";

const { values } = parseArgs({
  options: {
    validate: { type: "boolean", default: false },
    tune: { type: "boolean", default: false },
    rounds: { type: "string", default: "5" },
    messages: { type: "string", default: "20000" },
    epochs: { type: "string" },
    "learning-rate": { type: "string" },
    l2: { type: "string" },
    ngrams: { type: "string" },
    "char-weight": { type: "string" },
    folds: { type: "string" },
    pairs: { type: "string" },
    misses: { type: "boolean", default: false },
  },
});

const base = loadIntentSettings();
const settings: IntentSettings = {
  ...base,
  ...(values.epochs && { epochs: Number(values.epochs) }),
  ...(values["learning-rate"] && { learning_rate: Number(values["learning-rate"]) }),
  ...(values.l2 && { l2: Number(values.l2) }),
  ...(values.ngrams && { char_ngrams: values.ngrams.split(",").map(Number) as [number, number] }),
  ...(values.folds && { folds: Number(values.folds) }),
  ...(values.pairs && { pairs: Number(values.pairs) }),
  ...(values["char-weight"] && { char_weight: Number(values["char-weight"]) }),
};
const lexicon = loadIntentLexicon();
const training = loadIntentExamples(TRAINING_FILE);

function print(label: string, ev: IntentEvaluation) {
  console.log(`${label}: exact-set accuracy ${ev.exactSet.toFixed(3)}`);
  console.log("| intent | precision | recall | F1 | support |\n|---|---|---|---|---|");
  for (const i of INTENTS) {
    const s = ev.perIntent[i];
    console.log(`| ${i} | ${s.precision.toFixed(2)} | ${s.recall.toFixed(2)} | ${s.f1.toFixed(2)} | ${s.support} |`);
  }
  if (values.misses) for (const m of ev.misses) console.log(`  ${JSON.stringify(m.text)}: expected ${m.expected.join("+")}, got ${m.got.join("+")}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`bench:intents — node ${process.version}, ${training.length} training lines, settings ${JSON.stringify(settings)}`);

if (values.tune) {
  const t0 = performance.now();
  const threshold = tuneThreshold(training, lexicon, settings);
  writeFileSync(`${INTENTS_DIR}/settings.json`, `${JSON.stringify({ ...settings, threshold }, null, 2)}\n`);
  console.log(`threshold ${threshold} written to data/intents/settings.json (${(performance.now() - t0).toFixed(0)} ms)`);
} else if (values.validate) {
  const K = 5;
  const rng = rngFor(settings.seed, "intents", "validation");
  const fold = training.map(() => Math.floor(rng.next() * K));
  const predicted = new Map<number, ReturnType<IntentClassifier["classify"]>>();
  for (let f = 0; f < K; f++) {
    const part = training.filter((_, n) => fold[n] !== f);
    const c = IntentClassifier.train(part, lexicon, { ...settings, threshold: tuneThreshold(part, lexicon, settings) });
    training.forEach((e, n) => {
      if (fold[n] === f) predicted.set(n, c.classify(e.text));
    });
  }
  const byText = new Map(training.map((e, n) => [e.text, n]));
  print(`validation (${K}-fold on the training set)`, evaluateIntents((t) => predicted.get(byText.get(t)!)!, training));
} else {
  // CPU time next to wall time: on a shared machine the wall clock also counts other processes' turns.
  const times: number[] = [];
  const cpu: number[] = [];
  let classifier!: IntentClassifier;
  for (let r = 0; r < Number(values.rounds); r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    classifier = IntentClassifier.train(training, lexicon, settings);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    times.push(performance.now() - t0);
  }
  const heldOut = loadIntentExamples(HELD_OUT_FILE);
  print(`held-out (${heldOut.length} lines)`, evaluateIntents((t) => classifier.classify(t), heldOut));
  console.log(`threshold: ${classifier.threshold}`);
  console.log(`training (one fit, threshold from settings.json): median ${median(times).toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU, of ${times.length} (wall ${times.map((t) => t.toFixed(0)).join(", ")})`);
  const texts = heldOut.map((e) => e.text);
  const n = Number(values.messages);
  for (let i = 0; i < 2000; i++) classifier.classify(texts[i % texts.length]!); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) classifier.classify(texts[i % texts.length]!);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`classification: ${(n / seconds).toFixed(0)} messages/s (${n} held-out messages, one at a time)`);
  const long = "hola ".repeat(2_000);
  const t1 = performance.now();
  classifier.classify(long);
  console.log(`one 10,000-character message: ${(performance.now() - t1).toFixed(2)} ms`);
}
