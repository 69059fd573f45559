import { HumanMessage, trimMessages, type BaseMessage } from "@langchain/core/messages";

/** About four characters a token: close enough to bound what a model reads, with no tokenizer to ship. */
const approxTokens = (messages: BaseMessage[]) => messages.reduce((n, m) => n + Math.ceil(m.text.length / 4) + 4, 0);

/**
 * The newest messages of the thread up to `maxTokens`, starting on a customer's message; each customer
 * message cut at `maxChars` as understand reads it, so the last one always fits. The thread holds the
 * customer's words masked (ConversationInput) and the replies that passed the safety node, nothing else.
 */
export function threadWindow(messages: readonly BaseMessage[], o: { maxTokens: number; maxChars: number }): Promise<BaseMessage[]> {
  const cut = messages.map((m) => (HumanMessage.isInstance(m) && m.text.length > o.maxChars ? new HumanMessage({ content: m.text.slice(0, o.maxChars), id: m.id }) : m));
  return trimMessages(cut, { maxTokens: o.maxTokens, tokenCounter: approxTokens, strategy: "last", startOn: "human", includeSystem: false, allowPartial: false });
}
