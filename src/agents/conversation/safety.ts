import { AIMessage } from "@langchain/core/messages";
import { checkSafety } from "../safety.js";
import type { ConversationDeps } from "./deps.js";
import { groundReply, slotFacts } from "./grounding.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "./state.js";

/**
 * The last check before the customer reads the reply: every figure grounded (this turn's tool results, the
 * slots), and the care graph's rules that fit a sales reply (no prompt, internal name, secret, link, PII
 * or injected instruction coming back out). A reply that fails is replaced, never sent: only what passes
 * enters the messages channel.
 */
export function safety(deps: ConversationDeps) {
  return (state: ConversationStateType): ConversationUpdate => {
    const { turn } = state;
    const reply = turn.reply ?? "";
    const grounding = groundReply(reply, [...turn.facts, ...slotFacts(dialogOf(state).slots)]);
    const verdict = checkSafety({ text: reply, mode: "responder", template: undefined, incoming: turn.text }, deps.safetyRules, deps.promptRuns);
    const hits = verdict.rules.filter((r) => !deps.settings.safety_rules_skipped.includes(r));
    const t = deps.texts.dialog;
    const text = !grounding.ok ? t.grounding_fallback : hits.length > 0 ? t.safety_fallback : reply;
    if (text !== reply) deps.observer.fallback("safety");
    return { messages: [new AIMessage(text)], turn: { ...turn, ungrounded: grounding.unsupported, safety: hits } };
  };
}
