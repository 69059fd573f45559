import type { ArmEstimate } from "../policy/policy.js";

export interface CohortRecommendation {
  context: string;
  template: string;
  estimate: number;
  n: number;
  /** Pulls of all templates in this context. */
  context_n: number;
  /** How sure the pick is over the runner-up, in [0.5, 1]: see pickConfidence. 0.5 with a single template tried. */
  confidence: number;
  text: string;
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26; error below 1.5e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * P(the best template's true mean reward beats the runner-up's), normal approximation of the two means with the
 * largest standard deviation a reward in [0, 1] can have (0.5): conservative, and it needs no variance the
 * policies do not keep.
 */
export function pickConfidence(best: Pick<ArmEstimate, "estimate" | "n">, runnerUp: Pick<ArmEstimate, "estimate" | "n"> | undefined): number {
  if (!runnerUp || best.n === 0 || runnerUp.n === 0) return 0.5;
  return normalCdf((best.estimate - runnerUp.estimate) / (0.5 * Math.sqrt(1 / best.n + 1 / runnerUp.n)));
}

const ISSUE_LABEL: Record<string, string> = { finanzas: "finanzas", mecanica: "mecánica", logistica: "logística", atencion: "atención" };

/** The best template per cohort as the policy sees it, in words an operator reads: "NVE · mecánica → escalar (0.61, n=48)". */
export function recommendations(estimates: readonly ArmEstimate[], armIds: readonly string[], minPulls = 1): CohortRecommendation[] {
  const byContext = new Map<string, ArmEstimate[]>();
  for (const e of estimates) byContext.set(e.context, [...(byContext.get(e.context) ?? []), e]);
  const out: CohortRecommendation[] = [];
  for (const [context, arms] of byContext) {
    const tried = arms.filter((a) => a.n >= minPulls);
    if (!tried.length) continue;
    const best = tried.reduce((a, b) => (b.estimate > a.estimate ? b : a));
    const runnerUp = tried.filter((a) => a !== best).reduce<ArmEstimate | undefined>((a, b) => (!a || b.estimate > a.estimate ? b : a), undefined);
    const [segment, issue] = context.split("/");
    const template = armIds[best.arm]!;
    out.push({
      context,
      template,
      estimate: best.estimate,
      n: best.n,
      context_n: arms.reduce((a, b) => a + b.n, 0),
      confidence: pickConfidence(best, runnerUp),
      text: `${segment} · ${ISSUE_LABEL[issue!] ?? issue} → ${template} (${best.estimate.toFixed(2)}, n=${best.n})`,
    });
  }
  return out.sort((a, b) => a.context.localeCompare(b.context));
}
