import { z } from "zod";
import type { Customer } from "../domain/customer.js";
import { ISSUE_BUCKETS, SEGMENTS, isAngrySegment, isVocalSegment, type Segment } from "../domain/segment.js";
import { categorical, randInt, rngFor, type Rng } from "../policy/random.js";
import type { PersonaCorpus } from "../store/assets.js";

export const PersonaParams = z.object({
  n: z.number().int().min(1).max(1_000_000).default(200),
  share_vocal: z.number().min(0).max(1).default(0.5),
  share_angry: z.number().min(0).max(1).default(0.5),
  /** Of the vocal angry customers, the share whose message is a legal or safety emergency. */
  share_severe: z.number().min(0).max(1).default(0.04),
  issue_weights: z.array(z.number().min(0)).length(ISSUE_BUCKETS.length).default([0.25, 0.3, 0.25, 0.2]),
  seed: z.number().int().default(7),
  id_prefix: z.string().regex(/^[A-Za-z0-9_-]*$/).default("C"),
});
export type PersonaParams = z.infer<typeof PersonaParams>;

const CHANNEL_WEIGHTS = [
  ["whatsapp", 0.6],
  ["email", 0.2],
  ["telefono", 0.15],
  ["sms", 0.05],
] as const;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[randInt(rng, xs.length)]!;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Exact segment counts (largest remainder), then shuffled: n=200 at the defaults gives 50 of each. */
function segmentPlan(p: PersonaParams, rng: Rng): Segment[] {
  const share: Record<Segment, number> = {
    VF: p.share_vocal * (1 - p.share_angry),
    VE: p.share_vocal * p.share_angry,
    NVF: (1 - p.share_vocal) * (1 - p.share_angry),
    NVE: (1 - p.share_vocal) * p.share_angry,
  };
  const counts = SEGMENTS.map((s) => Math.floor(share[s] * p.n));
  const byRemainder = SEGMENTS.map((s, i) => ({ i, r: share[s] * p.n - counts[i]! })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < p.n; k++) counts[byRemainder[k % 4]!.i]! += 1;
  const plan = SEGMENTS.flatMap((s, i) => Array<Segment>(counts[i]!).fill(s));
  for (let i = plan.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  return plan;
}

/** PersonaForge: seeded synthetic customers of a Mexican used-car marketplace. Same seed, same customers. */
export function forgeCustomers(params: Partial<PersonaParams>, corpus: PersonaCorpus): Customer[] {
  const p = PersonaParams.parse(params);
  const rng = rngFor(p.seed, "persona-forge");
  const width = Math.max(4, String(p.n).length);
  return segmentPlan(p, rng).map((segment, idx) => {
    const angry = isAngrySegment(segment);
    const vocal = isVocalSegment(segment);
    const issue = ISSUE_BUCKETS[categorical(rng, p.issue_weights)]!;
    const days = 1 + Math.floor(Math.pow(rng.next(), 1.5) * 720);
    const issuesFlag = rng.next() < (angry ? 0.8 : 0.25) ? 1 : 0;
    const severe = vocal && angry && rng.next() < p.share_severe;
    const message = !vocal ? "" : severe ? pick(rng, corpus.severe_messages) : pick(rng, corpus.first_messages[issue][angry ? "angry" : "happy"]);
    const churn = (angry ? 0.4 + 0.5 * rng.next() : 0.05 + 0.35 * rng.next()) + 0.1 * issuesFlag;
    const story = corpus.stories[issue].replace("{car}", pick(rng, corpus.cars)).replace("{days}", String(days));
    return {
      customer_id: `${p.id_prefix}${String(idx + 1).padStart(width, "0")}`,
      segment,
      is_vocal: vocal,
      last_purchase_days: days,
      price: 1000 * Math.round(150 + rng.next() * 750),
      issues_flag: issuesFlag,
      past_nps: angry ? randInt(rng, 7) : 6 + randInt(rng, 5),
      first_message: message,
      channel_pref: CHANNEL_WEIGHTS[categorical(rng, CHANNEL_WEIGHTS.map(([, w]) => w))]![0],
      churn_risk_est: round2(Math.min(1, churn)),
      issue_bucket: issue,
      mini_story: vocal ? story : story + corpus.silent_story_suffix,
    };
  });
}
