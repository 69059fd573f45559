import { fillTemplate } from "../domain/fill.js";
import type { Mode } from "../domain/template.js";
import { TemplateId } from "../domain/template.js";
import { rngFor } from "../policy/random.js";
import { drawParts, readContext } from "./context.js";
import type { CareDeps } from "./deps.js";
import { incomingMessage } from "./router.js";
import { guardDraft } from "./safety.js";
import type { CareStateType, CareUpdate } from "./state.js";

/**
 * Responder and outreach share this: ask the policy for a template (with its propensity), fill its
 * slots from the customer's context, let the writer reword it, and check the result (guardDraft). A
 * failing writer costs the rewording, never the message.
 */
export function composeReply(deps: CareDeps, mode: Mode) {
  return async (state: CareStateType, config: { context?: unknown; signal?: AbortSignal }): Promise<CareUpdate> => {
    const ctx = readContext(config);
    const customer = (await deps.store.customers.get(state.customer_id))!;
    const decisionContext = state.contact.context!;
    const policy = await deps.policies.get(ctx.policy_namespace, ctx.policy);
    const choice = policy.select(decisionContext, rngFor(deps.seed, "policy", ...drawParts(ctx, ctx.policy_namespace, state.interaction_id!)));
    const templateId = TemplateId.parse(deps.policies.armIds[choice.arm]);
    const template = deps.templates.get(templateId)!;
    const compensation = Math.min(template.guardrails.compensation_mxn, deps.safetyRules.compensation_cap_mxn);
    const filled = fillTemplate(template, mode, decisionContext.issue_bucket, {
      sla: deps.serviceLevels.sla[decisionContext.issue_bucket],
      monto: deps.serviceLevels.coupon_format.replace("{amount}", String(compensation).replace(/\B(?=(\d{3})+(?!\d))/g, ",")),
    });
    const incoming = incomingMessage(state, customer);
    let text = filled;
    let writerFallback = false;
    try {
      text = await deps.writer.write({ template, mode, customer, incoming, draft: filled, maxWords: deps.safetyRules.max_words[mode] }, config.signal);
      if (deps.writer.kind === "llm") deps.observer.llm("writer", "ok");
    } catch {
      writerFallback = true;
      deps.observer.llm("writer", "failed");
      deps.observer.fallback("writer");
    }
    const guarded = guardDraft(deps, { text, mode, template, incoming });
    return {
      contact: {
        decision: { template: templateId, arm: choice.arm, propensity: choice.propensity, policy: ctx.policy, namespace: ctx.policy_namespace },
        ...guarded,
        draft: { ...guarded.draft, writer_fallback: writerFallback || undefined },
      },
    };
  };
}
