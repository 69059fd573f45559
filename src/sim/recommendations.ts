import type { ArmEstimate } from "../policy/policy.js";

export interface CohortRecommendation {
  context: string;
  template: string;
  estimate: number;
  n: number;
  /** Pulls of all templates in this context. */
  context_n: number;
  text: string;
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
    const [segment, issue] = context.split("/");
    const template = armIds[best.arm]!;
    out.push({
      context,
      template,
      estimate: best.estimate,
      n: best.n,
      context_n: arms.reduce((a, b) => a + b.n, 0),
      text: `${segment} · ${ISSUE_LABEL[issue!] ?? issue} → ${template} (${best.estimate.toFixed(2)}, n=${best.n})`,
    });
  }
  return out.sort((a, b) => a.context.localeCompare(b.context));
}
