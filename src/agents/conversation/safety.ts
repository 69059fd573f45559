import { AIMessage } from "@langchain/core/messages";
import { checkSafety } from "../safety.js";
import type { ConversationDeps } from "./deps.js";
import { groundReply, slotFacts } from "./grounding.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "./state.js";

/** What the rules refuse in a reply: figures no fact backs, and the care graph's rules that fit a sales reply. */
export interface ReplyVerdict {
  ungrounded: string[];
  safety: string[];
}

export function replyVerdict(reply: string, facts: readonly string[], incoming: string, deps: ConversationDeps): ReplyVerdict {
  const grounding = groundReply(reply, facts);
  const verdict = checkSafety({ text: reply, mode: "responder", template: undefined, incoming }, deps.safetyRules, deps.promptRuns);
  return { ungrounded: grounding.unsupported, safety: verdict.rules.filter((r) => !deps.settings.safety_rules_skipped.includes(r)) };
}

/** The reply, or the text that replaces it when the rules refused it. */
export function safeText(reply: string, v: ReplyVerdict, deps: ConversationDeps): string {
  const t = deps.texts.dialog;
  return v.ungrounded.length > 0 ? t.grounding_fallback : v.safety.length > 0 ? t.safety_fallback : reply;
}

/**
 * The last check before the customer reads the reply: every figure grounded (this turn's tool results, the
 * slots), and the care graph's rules that fit a sales reply (no prompt, internal name, secret, link, PII
 * or injected instruction coming back out). A reply that fails is replaced, never sent: only what passes
 * enters the messages channel. What a model agent already refused in its own part (llm/agent-graph.ts) stays recorded.
 */
export function safety(deps: ConversationDeps) {
  return (state: ConversationStateType): ConversationUpdate => {
    const { turn } = state;
    const reply = turn.reply ?? "";
    const v = replyVerdict(reply, [...turn.facts, ...slotFacts(dialogOf(state).slots)], turn.text, deps);
    const text = safeText(reply, v, deps);
    if (text !== reply) deps.observer.fallback("safety");
    return { messages: [new AIMessage(text)], turn: { ...turn, ungrounded: [...turn.ungrounded, ...v.ungrounded], safety: [...new Set([...turn.safety, ...v.safety])] } };
  };
}
