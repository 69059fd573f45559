import { randomUUID } from "node:crypto";
import { messageText, type GoldenCategory, type GoldenConversation, type GoldenFile } from "../../domain/golden.js";
import { checkTurn, DriverTurn, KnownAmounts, type Driver } from "./check.js";
import { meanPassHatK } from "./pass-k.js";

/** Why one run of a conversation failed: the first turn that missed, and each of its reasons. */
export interface GoldenFailure {
  id: string;
  category: GoldenCategory;
  trial: number;
  turn: number;
  reasons: string[];
  reply: string;
}

export interface Score {
  conversations: number;
  /** pass^1 … pass^trials (index 0 is pass^1, the pass rate). */
  passK: number[];
}

export interface GoldenReport {
  trials: number;
  categories: Array<Score & { category: GoldenCategory }>;
  overall: Score;
  failures: GoldenFailure[];
}

/**
 * One run of a conversation on a thread of its own: every turn through the driver, checked as it comes. It
 * stops at the first failing turn (what follows would be checked against a conversation that went
 * elsewhere) and at an unexpected hand-off.
 */
export async function runConversation(driver: Driver, c: GoldenConversation, threadId: string): Promise<Omit<GoldenFailure, "id" | "category" | "trial"> | undefined> {
  const known = new KnownAmounts();
  for (const [i, turn] of c.turns.entries()) {
    const message = messageText(turn.user);
    known.addCustomer(message);
    let got: DriverTurn;
    try {
      const raw = await driver(threadId, message);
      const parsed = DriverTurn.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return { turn: i + 1, reasons: [`the driver's answer is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}`], reply: "" };
      }
      got = parsed.data;
    } catch (e) {
      return { turn: i + 1, reasons: [`the driver failed: ${(e as Error).message}`], reply: "" };
    }
    known.addTurn(got.turn);
    const reasons = checkTurn(turn, got, known);
    if (reasons.length > 0) return { turn: i + 1, reasons, reply: got.reply };
  }
  return undefined;
}

export interface GoldenOptions {
  /** Runs of each conversation (pass^k is reported for k = 1 … trials). */
  trials?: number;
  category?: GoldenCategory;
  /** Called after each conversation run, for progress. */
  onProgress?: (done: number, total: number) => void;
}

/** The golden set through a driver, `trials` times, scored per category. */
export async function runGolden(files: readonly GoldenFile[], driver: Driver, options: GoldenOptions = {}): Promise<GoldenReport> {
  const trials = options.trials ?? 1;
  const chosen = files.filter((f) => options.category === undefined || f.category === options.category);
  const cases = chosen.flatMap((f) => f.conversations.map((c) => ({ category: f.category, c })));
  const failures: GoldenFailure[] = [];
  const passes = new Map<string, number>(cases.map(({ c }) => [c.id, 0]));
  // Threads of this evaluation only: a driver over a persistent checkpointer starts each run afresh.
  const tag = randomUUID().slice(0, 8);
  let done = 0;
  for (let trial = 1; trial <= trials; trial++)
    for (const { category, c } of cases) {
      const failure = await runConversation(driver, c, `golden-${tag}-${c.id}-${trial}`);
      if (failure) failures.push({ id: c.id, category, trial, ...failure });
      else passes.set(c.id, passes.get(c.id)! + 1);
      options.onProgress?.(++done, trials * cases.length);
    }
  const score = (ids: string[]): Score => ({
    conversations: ids.length,
    passK: Array.from({ length: trials }, (_, k) => meanPassHatK(ids.map((id) => passes.get(id)!), trials, k + 1)),
  });
  return {
    trials,
    categories: chosen.map((f) => ({ category: f.category, ...score(f.conversations.map((c) => c.id)) })),
    overall: score(cases.map(({ c }) => c.id)),
    failures,
  };
}

/** The score the threshold is held to: pass^trials over every conversation run (the plain pass rate with one trial). */
export const headlineScore = (r: GoldenReport) => r.overall.passK[r.trials - 1]!;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s).replace(/\s+/g, " ");

export function formatGoldenReport(r: GoldenReport): string {
  const ks = Array.from({ length: r.trials }, (_, i) => i + 1);
  const head = ["category".padEnd(14), "convs".padStart(5), ...ks.map((k) => (k === 1 ? "pass" : `pass^${k}`).padStart(7))].join(" ");
  const row = (name: string, s: Score) => [name.padEnd(14), String(s.conversations).padStart(5), ...s.passK.map(pct)].join(" ");
  const lines = [head, ...r.categories.map((s) => row(s.category, s)), row("all", r.overall)];
  if (r.failures.length > 0) {
    lines.push("", `Failures (${r.failures.length}):`);
    for (const f of r.failures)
      lines.push(`  ${f.category}/${f.id}${r.trials > 1 ? ` run ${f.trial}` : ""}, turn ${f.turn}: ${f.reasons.join("; ")}`, `      reply: ${JSON.stringify(clip(f.reply))}`);
  }
  return lines.join("\n");
}
