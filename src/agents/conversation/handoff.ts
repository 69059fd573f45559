import { AIMessage } from "@langchain/core/messages";
import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Slots } from "../../domain/conversation.js";
import { interpolate } from "../../domain/fill.js";
import { HumanResume, type HumanInterrupt } from "../../domain/human.js";
import { redactPii } from "../../domain/pii.js";
import { formatPesos } from "../../tools/index.js";
import { applyResponse, handoffConfig, InvalidHumanResponseError } from "../human-review.js";
import type { ConversationDeps } from "./deps.js";
import { carLabel } from "./parts.js";
import { dialogOf, readConversationContext, type ConversationStateType, type ConversationUpdate } from "./state.js";

/** The name a person's answer carries in the thread (the transcript records it under the agent's own name). */
export const PERSON_MESSAGE_NAME = "human_agent";

/** The customer's messages a person reads first, newest last. */
const LAST_MESSAGES = 3;

function slotsLine(s: Slots): string {
  return [
    s.car && `${carLabel(s.car)} (${formatPesos(Math.round(s.car.price * 100))})`,
    s.budget_max_cents !== undefined && `presupuesto ${formatPesos(s.budget_max_cents)}`,
    s.down_payment_cents !== undefined && `enganche ${formatPesos(s.down_payment_cents)}`,
    s.down_payment_pct !== undefined && `enganche ${Math.round(s.down_payment_pct * 100)}%`,
    s.term_months !== undefined && `${s.term_months} meses`,
    s.ticket_folio && `folio ${s.ticket_folio}`,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The Agent Inbox request a person answers: why, what the dialog knows, what the customer wrote (masked). */
export function conversationHandoffRequest(state: ConversationStateType, deps: ConversationDeps, config: LangGraphRunnableConfig): HumanInterrupt {
  const t = deps.texts.handoff;
  const esc = state.turn.escalation ?? { reason: "human_request" as const, priority: deps.settings.priorities.human_request };
  const thread = String(config.configurable?.thread_id ?? "");
  const slots = slotsLine(dialogOf(state).slots);
  const said = (state.messages ?? [])
    .filter((m) => m.getType() === "human")
    .slice(-LAST_MESSAGES)
    .map((m) => `> ${redactPii(m.text.slice(0, deps.settings.max_message_chars))}`);
  const lines = [interpolate(t.reason, { reason: esc.reason, priority: String(esc.priority) }), slots ? interpolate(t.slots, { slots }) : t.no_slots, interpolate(t.messages, { lines: said.join("\n") })];
  return {
    action_request: {
      action: "reply_to_customer",
      args: { thread_id: thread, customer_id: readConversationContext(config).customer_id ?? null, reason: esc.reason, priority: esc.priority, message: "" },
    },
    config: handoffConfig(null),
    description: lines.join("\n\n"),
  };
}

/**
 * A person takes the conversation: interrupt() with an Agent Inbox request, resumed with a HumanResponse. What
 * the person writes reaches the customer as the next AI message; then the bot has the conversation back,
 * with every slot as it was.
 */
export function handoff(deps: ConversationDeps) {
  return (state: ConversationStateType, config: LangGraphRunnableConfig): ConversationUpdate => {
    const request = conversationHandoffRequest(state, deps, config);
    const resume = interrupt<HumanInterrupt[], unknown>([request]);
    const parsed = HumanResume.safeParse(resume);
    if (!parsed.success) throw new InvalidHumanResponseError(`invalid human response: ${parsed.error.issues[0]?.message}`);
    const review = applyResponse(parsed.data, request, null);
    const d = dialogOf(state);
    return {
      messages: review.message ? [new AIMessage({ content: review.message, name: PERSON_MESSAGE_NAME })] : [],
      dialog: { ...d, waiting_for_person: false, failures: 0 },
    };
  };
}
