import { reward } from "../domain/reward.js";
import { shippedPolicy } from "../policy/book.js";
import { rngFor } from "../policy/random.js";
import { drawParts, readContext } from "./context.js";
import type { CareDeps } from "./deps.js";
import { sentMessage } from "./human-review.js";
import { modeOf, type CareStateType, type CareUpdate, type Outcome } from "./state.js";

/**
 * The one place where an interaction is logged and, when it qualifies, learned from. The policy learns
 * only from its own arm's message as judged: not from fallbacks, not from what a person wrote. It
 * learns before a churn escalation goes to a person, so the worst outcomes are not censored from it.
 */
export function policyUpdate(deps: CareDeps) {
  return async (
    state: CareStateType,
    config: { context?: unknown; configurable?: Record<string, unknown>; metadata?: Record<string, unknown>; writer?: (chunk: unknown) => void },
  ): Promise<CareUpdate> => {
    const ctx = readContext(config);
    const { score, review, decision, draft, route, safety_verdict, escalation } = state.contact;
    const context = state.contact.context!;
    const value = score ? reward(score, ctx.reward_weights) : null;
    const namespace = decision?.namespace ?? ctx.policy_namespace;
    const policy = decision?.policy ?? ctx.policy;
    const learnable = value !== null && decision !== undefined && draft?.source === "policy" && review === undefined;
    const sent = sentMessage(review, draft);
    const outcome: Outcome = {
      status: review ? (review.action === "ignore" ? "ignored" : "human") : score ? "scored" : "unscored",
      reward: value,
      learned: false,
    };
    // The claim, the policy's rows and the interaction commit together or not at all.
    const write = () => deps.store.transaction(async (tx) => {
      if (learnable && !(await deps.policies.isFrozen(namespace, tx.policyState))) {
        const id = state.interaction_id!;
        const rng = rngFor(deps.seed, "update", ...drawParts(ctx, namespace, id));
        const r = await deps.policies.learn(namespace, shippedPolicy(namespace, policy), id, context, decision.arm, value, rng, tx.policyState);
        // A replay of this decision was learned before; an id reused for another decision never was.
        outcome.learned = r !== "conflict";
        if (r === "applied") deps.observer.policyUpdate(namespace);
      }
      await tx.interactions.upsert({
        interaction_id: state.interaction_id!,
        thread_id: (config.configurable?.thread_id as string | undefined) ?? null,
        experiment_id: ctx.experiment_id ?? null,
        iteration: ctx.iteration,
        policy_namespace: namespace,
        policy,
        customer_id: state.customer_id,
        segment: context.segment,
        issue_bucket: context.issue_bucket,
        context_key: context.key,
        mode: modeOf(route) ?? null,
        route: route!,
        template: decision?.template ?? null,
        propensity: decision?.propensity ?? null,
        message: sent.message,
        message_source: sent.source,
        safety_verdict: safety_verdict?.verdict ?? null,
        safety_rules: safety_verdict?.rules ?? [],
        escalation_reason: escalation?.reason ?? null,
        human_action: review?.action ?? null,
        score: score ?? null,
        reward: value,
        status: outcome.status,
        learned: outcome.learned,
        request_id: typeof config.metadata?.request_id === "string" ? config.metadata.request_id : null,
        features: context.features,
      });
    });
    try {
      await write();
    } catch (e) {
      // The transaction rolled back, the cached policy did not: reload it next time.
      deps.policies.forget(namespace);
      throw e;
    }
    const churnEscalation =
      score && !review && score.churn_prob > ctx.churn_threshold
        ? { escalation: { reason: "churn_risk" as const, detail: `churn ${score.churn_prob.toFixed(2)} > ${ctx.churn_threshold}` } }
        : {};
    deps.observer.contact(route!, outcome.status);
    // Streamed as a "custom" event: a client watching the run sees the outcome as it is logged.
    config.writer?.({ event: "interaction_logged", interaction_id: state.interaction_id, ...outcome });
    return { contact: { outcome, ...churnEscalation } };
  };
}
