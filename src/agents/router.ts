import { randomUUID } from "node:crypto";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { decisionContext } from "../domain/context.js";
import type { Customer } from "../domain/customer.js";
import { containsAny, normalize } from "../domain/text-rules.js";
import type { MessageClass } from "../domain/message-class.js";
import type { PriorityRules, SeverityRules } from "../store/assets.js";
import type { CareDeps } from "./deps.js";
import type { CareStateType, Contact, Escalation } from "./state.js";

export class UnknownCustomerError extends Error {
  override readonly name = "UnknownCustomerError";
}

/** A legal threat, a safety risk or a top priority goes to a person before any template is tried. */
export class ThreadCompletedError extends Error {
  override readonly name = "ThreadCompletedError";
}

export function severity(message: string, priority: number | undefined, rules: SeverityRules): Escalation | undefined {
  const text = normalize(message);
  const legal = containsAny(text, rules.legal);
  if (legal) return { reason: "legal_threat", detail: `mentions "${legal}"` };
  const safety = containsAny(text, rules.safety);
  if (safety) return { reason: "safety_risk", detail: `mentions "${safety}"` };
  if (priority !== undefined && priority >= rules.priority_threshold) return { reason: "priority", detail: `priority ${priority}` };
  return undefined;
}

/**
 * A contact's priority, 0–10, from the message (its issue, whether it is angry: `classifyMessage`) and the
 * customer's value (the price of their car). The care graph takes the caller's priority (CRM, gateway) as it
 * is; the conversation graph has no caller to ask, and scores a known customer's support message with this.
 */
export function contactPriority(message: MessageClass, customer: Pick<Customer, "price">, rules: PriorityRules): number {
  const value = Math.max(0, ...rules.value.filter((t) => customer.price >= t.min_price).map((t) => t.points));
  return Math.min(10, rules.issue[message.issue] + (message.angry ? rules.angry : 0) + value);
}

export function incomingMessage(state: Pick<CareStateType, "message">, customer: Customer): string {
  return state.message ?? customer.first_message;
}

export function router(deps: CareDeps) {
  return async (state: CareStateType, config: LangGraphRunnableConfig): Promise<{ interaction_id: string; contact: Contact }> => {
    // One thread is one contact: its interaction id has been learned from already.
    if (state.contact.outcome) throw new ThreadCompletedError("this thread already completed a contact; start a new thread for a new contact");
    const customer = await deps.store.customers.get(state.customer_id);
    if (!customer) throw new UnknownCustomerError(`customer ${state.customer_id} does not exist`);
    const interactionId = state.interaction_id ?? (config.configurable?.thread_id as string | undefined) ?? randomUUID();
    const context = decisionContext(customer);
    const incoming = incomingMessage(state, customer);
    const escalation = severity(incoming, state.priority, deps.severityRules);
    // A silent customer who writes in this contact is, for this contact, vocal.
    const vocal = customer.is_vocal || incoming.trim() !== "";
    return {
      interaction_id: interactionId,
      contact: { context, route: escalation ? "severe" : vocal ? "vocal" : "silent", escalation },
    };
  };
}
