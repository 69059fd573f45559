import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Customer } from "../../domain/customer.js";
import { classifyMessage } from "../../domain/message-class.js";
import { contactPriority } from "../router.js";
import type { ConversationDeps } from "./deps.js";
import { factsOf } from "./grounding.js";
import type { Contribution } from "./parts.js";
import { readConversationContext, type ConversationStateType } from "./state.js";
import { turnNumber } from "./understand.js";

/** A known customer behind a support message, and the message's priority by the care router's rule. */
export interface Complainant {
  customer: Customer;
  priority: number;
}

/**
 * The customer of the context when the care side is there and its customers table holds them; an anonymous
 * visitor, or an id it does not know, is nobody the care graph can decide for (no segment, no features).
 */
export async function complainant(text: string, deps: ConversationDeps, config: LangGraphRunnableConfig): Promise<Complainant | undefined> {
  const id = readConversationContext(config).customer_id;
  const customer = deps.care && id ? await deps.care.customer(id) : undefined;
  if (!customer) return undefined;
  return { customer, priority: contactPriority(classifyMessage(text, deps.issueKeywords), customer, deps.priorityRules) };
}

/** At the settings' threshold a person takes the message (the care router's rule for a contact's priority). */
export function urgent(who: Complainant, c: Contribution, deps: ConversationDeps): boolean {
  if (who.priority < deps.settings.priority_threshold) return false;
  c.escalation = { reason: "priority", priority: who.priority };
  return true;
}

/**
 * The care thread of this turn: the conversation's thread and the customer message's id (its turn number when
 * the message has none), so a redelivered conversation run asks about the same contact and the policy learns once.
 */
export function careThreadId(state: Pick<ConversationStateType, "messages">, config: LangGraphRunnableConfig): string {
  const message = [...(state.messages ?? [])].reverse().find((m) => m.getType() === "human");
  return `care:${String(config.configurable?.thread_id ?? "")}:${message?.id ?? turnNumber(state.messages)}`;
}

/**
 * A complaint through the care graph (the bandit's template, care's safety, the judge, the policy update):
 * its reply is the support part of the answer, and its wait for a person is the conversation's hand-off.
 * The interaction is recorded as the turn's `care_decision` call.
 */
export async function careDecision(
  who: Complainant,
  masked: string,
  c: Contribution,
  state: Pick<ConversationStateType, "messages">,
  deps: ConversationDeps,
  config: LangGraphRunnableConfig,
): Promise<void> {
  const thread_id = careThreadId(state, config);
  const d = await deps.care!.decide({ thread_id, customer_id: who.customer.customer_id, message: masked, signal: config.signal });
  c.called("care_decision", { thread_id, priority: who.priority }, d);
  if (d.escalation) c.escalation = { reason: d.escalation, priority: deps.settings.priorities[d.escalation] };
  else if (d.reply) {
    c.say(d.reply);
    // Care's safety passed it; what figures it states (a deadline, a compensation) are its template's.
    c.facts.push(...factsOf(d.reply));
  }
}
