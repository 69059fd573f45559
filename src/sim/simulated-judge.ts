import { isAngrySegment, ISSUE_BUCKETS } from "../domain/segment.js";
import type { JudgeScore } from "../domain/judge-score.js";
import type { Template, TemplateId } from "../domain/template.js";
import { containsAny, findPhrase, findPii, hasSla, matchForm, maxCompensation, normalize, wordCount, type SafetyRules } from "../domain/text-rules.js";
import type { Judge, JudgeInput } from "../domain/ports.js";
import { rngFor, type Rng } from "../policy/random.js";
import type { Environment } from "./environment.js";

const EMPATHY = ["lamentamos", "lo sentimos", "una disculpa", "disculpa", "entendemos"];

/** How much what a text says moves P(good reaction) away from the template's table value. */
export const TEXT_EFFECTS = {
  blame: -0.2,
  missingSla: -0.08,
  impossiblePromise: -0.05,
  overCapCompensation: 0.05,
  overLength: -0.05,
  piiEcho: -0.1,
  /** An angry customer who gets (or loses) the empathy the template does not have (or has). */
  empathyForAngry: 0.04,
  /** A holding message instead of the chosen template: below the context's average template. */
  holdingMessage: -0.05,
} as const;

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The offline judge: a simulated customer. Its reaction is drawn from the environment's hidden truth
 * P(good | segment, issue, template), moved by what the text actually says; then turned into the score a
 * judge would give. The table is exact for a template's own text, which every guardrail respects: the
 * effects only matter when a writer or a person changes it.
 */
export class SimulatedJudge implements Judge {
  readonly kind = "simulated" as const;

  constructor(
    private readonly environment: Environment,
    private readonly templates: ReadonlyMap<TemplateId, Template>,
    private readonly rules: SafetyRules,
    private readonly seed: number,
  ) {}

  /** P(good reaction) for this message, and the reasons that moved it. */
  goodReactionProbability(input: JudgeInput): { p: number; notes: string[] } {
    const means = this.environment.means(input.context.key);
    const notes: string[] = [];
    let p: number;
    const armIndex = input.template === null ? -1 : this.environment.armIndex(input.template);
    if (armIndex >= 0) p = means[armIndex]!;
    else {
      p = means.reduce((a, b) => a + b, 0) / means.length + TEXT_EFFECTS.holdingMessage;
      notes.push("mensaje de espera");
    }
    const text = normalize(input.message);
    // The safety rules' phrase lists are word starts in match form ("promet" is not in "comprometemos").
    const form = matchForm(input.message);
    const template = input.template === null ? undefined : this.templates.get(input.template);
    if (findPhrase(form, this.rules.blame)) (p += TEXT_EFFECTS.blame), notes.push("culpa al cliente");
    if ((template?.guardrails.requires_sla ?? true) && !hasSla(text, this.rules.sla_patterns))
      (p += TEXT_EFFECTS.missingSla), notes.push("sin plazo");
    if (findPhrase(form, this.rules.impossible_promises)) (p += TEXT_EFFECTS.impossiblePromise), notes.push("promesa imposible");
    if (maxCompensation(input.message, this.rules.compensation_words) > this.rules.compensation_cap_mxn)
      (p += TEXT_EFFECTS.overCapCompensation), notes.push("compensación alta");
    if (wordCount(input.message) > this.rules.max_words[input.mode]) (p += TEXT_EFFECTS.overLength), notes.push("muy largo");
    if (findPii(input.message).length > 0) (p += TEXT_EFFECTS.piiEcho), notes.push("repite datos personales");
    if (isAngrySegment(input.context.segment) && template) {
      const empathic = containsAny(text, EMPATHY) !== undefined;
      if (empathic && !template.guardrails.apology) (p += TEXT_EFFECTS.empathyForAngry), notes.push("empatía");
      if (!empathic && template.guardrails.apology) (p -= TEXT_EFFECTS.empathyForAngry), notes.push("le faltó empatía");
    }
    return { p: clamp(p, 0.01, 0.99), notes };
  }

  async score(input: JudgeInput): Promise<JudgeScore> {
    const rng = rngFor(this.seed, "judge", input.drawKey);
    const { p, notes } = this.goodReactionProbability(input);
    const good = rng.next() < p;
    return scoreFromReaction(good, input, rng, p, notes);
  }
}

function scoreFromReaction(good: boolean, input: JudgeInput, rng: Rng, p: number, notes: string[]): JudgeScore {
  const u = () => rng.next();
  const risk = input.customer.churn_risk_est;
  // A good reaction reads as a promoter, a bad one as a detractor (NPS categories).
  const nps = good ? 8.5 + 1.5 * u() : 5 * u();
  const engagement = good ? 0.75 + 0.25 * u() : 0.05 + 0.3 * u();
  // A bad reaction from a customer already at risk is the one a person should see.
  const churn = good ? 0.02 + 0.1 * u() : 0.4 + 0.3 * u() + 0.3 * risk;
  const baseline = (input.customer.past_nps / 10) * 2 - 1;
  const aspect = Object.fromEntries(
    ISSUE_BUCKETS.map((b) => [
      b,
      round2(b === input.context.issue_bucket ? (good ? 0.3 + 0.6 * u() : -0.9 + 0.6 * u()) : clamp(0.3 * baseline + 0.2 * (u() - 0.5), -1, 1)),
    ]),
  ) as JudgeScore["aspect_sentiment"];
  const rationale = `Cliente ${input.context.segment}, tema ${input.context.issue_bucket}: reacción ${good ? "favorable" : "desfavorable"} a ${input.template ?? "mensaje genérico"} (p=${p.toFixed(2)})${notes.length ? `; ${notes.join(", ")}` : ""}.`;
  return {
    nps_expected: round2(nps),
    engagement_prob: round2(engagement),
    churn_prob: round2(clamp(churn, 0, 1)),
    aspect_sentiment: aspect,
    rationale: rationale.slice(0, 280),
  };
}
