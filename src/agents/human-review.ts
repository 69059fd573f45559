import { interrupt } from "@langchain/langgraph";
import { HumanResume, type HumanInterrupt, type HumanResponse } from "../domain/human.js";
import type { MessageSource } from "../domain/interaction.js";
import { interpolate } from "../domain/fill.js";
import { readContext } from "./context.js";
import type { CareDeps } from "./deps.js";
import { incomingMessage } from "./router.js";
import type { CareStateType, CareUpdate, Draft, Review } from "./state.js";


/** Without a draft there is nothing to accept or edit: the person answers or lets it go. */
export function handoffConfig(draft: string | null): HumanInterrupt["config"] {
  return { allow_accept: draft !== null, allow_edit: draft !== null, allow_respond: true, allow_ignore: true };
}

export async function handoffRequest(state: CareStateType, deps: CareDeps): Promise<HumanInterrupt> {
  const customer = (await deps.store.customers.get(state.customer_id))!;
  const { draft: drafted, escalation, decision, score } = state.contact;
  const draft = drafted?.text ?? null;
  const esc = escalation!;
  const t = deps.handoffTexts;
  const incoming = incomingMessage(state, customer);
  const lines = [
    interpolate(t.reason, { reason: esc.reason, detail: esc.detail }),
    interpolate(t.customer, { customer_id: customer.customer_id, segment: customer.segment, issue: customer.issue_bucket, story: customer.mini_story }),
    incoming ? interpolate(t.incoming, { text: incoming }) : t.no_incoming,
    draft ? interpolate(t.draft, { template: decision?.template ?? "—", text: draft }) : t.no_draft,
    score ? interpolate(t.judge, { nps: String(score.nps_expected), churn: String(score.churn_prob), rationale: score.rationale }) : "",
  ];
  return {
    action_request: {
      action: "reply_to_customer",
      args: { customer_id: customer.customer_id, interaction_id: state.interaction_id, reason: esc.reason, message: draft ?? "" },
    },
    config: handoffConfig(draft),
    description: lines.filter(Boolean).join("\n\n"),
  };
}

/** What the customer actually gets, and who wrote it, once a person may have acted. */
export function sentMessage(review: Review | undefined, draft: Draft | undefined): { message: string | null; source: MessageSource } {
  if (!review) return { message: draft?.text ?? null, source: draft?.source ?? "none" };
  if (review.action === "ignore") return { message: null, source: "none" };
  if (review.action === "accept") return { message: review.message, source: draft?.source ?? "none" };
  return { message: review.message, source: "human" };
}

export class InvalidHumanResponseError extends Error {
  override readonly name = "InvalidHumanResponseError";
}

/**
 * Check a response before resuming: a resume value that the node rejects stays recorded on the thread
 * and would be replayed on the next attempt.
 */
export function applyResponse(response: HumanResponse, request: Pick<HumanInterrupt, "config">, draft: string | null): Review {
  const allowed = { accept: request.config.allow_accept, edit: request.config.allow_edit, response: request.config.allow_respond, ignore: request.config.allow_ignore };
  if (!allowed[response.type]) throw new InvalidHumanResponseError(`"${response.type}" is not allowed for this hand-off`);
  switch (response.type) {
    case "accept":
      return { action: "accept", message: draft };
    case "edit":
      return { action: "edit", message: response.args.args.message };
    case "response":
      return { action: "response", message: response.args };
    case "ignore":
      return { action: "ignore", message: null };
  }
}

/** A person takes the contact: Agent Inbox interrupt, resumed with Command({ resume: [HumanResponse] }). */
export function humanReview(deps: CareDeps) {
  return async (state: CareStateType, config: { context?: unknown; configurable?: Record<string, unknown> }): Promise<CareUpdate> => {
    const request = await handoffRequest(state, deps);
    const id = state.interaction_id!;
    const { escalation, draft, outcome } = state.contact;
    await deps.store.handoffs.open({
      interaction_id: id,
      thread_id: (config.configurable?.thread_id as string | undefined) ?? null,
      customer_id: state.customer_id,
      reason: escalation!.reason,
      priority: Math.max(state.priority ?? 0, deps.handoffPriorities[escalation!.reason] ?? 5),
      draft: draft?.text ?? null,
      experiment_id: readContext(config).experiment_id,
    });
    const resume = interrupt<HumanInterrupt[], unknown>([request]);
    const parsed = HumanResume.safeParse(resume);
    if (!parsed.success) throw new InvalidHumanResponseError(`invalid human response: ${parsed.error.issues[0]?.message}`);
    const review = applyResponse(parsed.data, request, draft?.text ?? null);
    await deps.store.transaction(async (tx) => {
      await tx.handoffs.resolve(id, review.action);
      if (outcome) {
        const sent = sentMessage(review, draft);
        await tx.interactions.recordHumanAction(id, review.action, sent.message, sent.source);
      }
    });
    return { contact: { review } };
  };
}
