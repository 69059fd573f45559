import type { Interaction } from "../../src/domain/interaction.js";

/** A scored contact of the main namespace; `over` changes what a test is about. */
export function interaction(id: string, over: Partial<Interaction> = {}): Interaction {
  return {
    interaction_id: id,
    thread_id: `thread-${id}`,
    experiment_id: null,
    iteration: null,
    policy_namespace: "main",
    policy: "thompson",
    customer_id: "C0001",
    segment: "VE",
    issue_bucket: "mecanica",
    context_key: "VE|mecanica",
    mode: "responder",
    route: "vocal",
    template: "empatiko",
    propensity: 0.4,
    message: "Hola, lamentamos lo del aceite.",
    message_source: "policy",
    safety_verdict: "ok",
    safety_rules: [],
    escalation_reason: null,
    human_action: null,
    score: { nps_expected: 8.5, engagement_prob: 0.7, churn_prob: 0.1, aspect_sentiment: { finanzas: 0, mecanica: -0.5, logistica: 0.25, atencion: 1 }, rationale: "bien" },
    reward: 0.72,
    status: "scored",
    learned: true,
    request_id: "req-1",
    features: { price: 0.3, recency: 0.9 },
    ...over,
  };
}
