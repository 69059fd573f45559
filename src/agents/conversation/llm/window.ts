import { trimMessages, type BaseMessage } from "@langchain/core/messages";

/** About four characters a token: close enough to bound what a model reads, with no tokenizer to ship. */
const approxTokens = (messages: BaseMessage[]) => messages.reduce((n, m) => n + Math.ceil(m.text.length / 4) + 4, 0);

/**
 * The newest messages of the thread up to `maxTokens`, starting on a customer's message. The thread holds
 * the customer's words masked (ConversationInput) and the replies that passed the safety node, nothing else.
 */
export function threadWindow(messages: readonly BaseMessage[], maxTokens: number): Promise<BaseMessage[]> {
  return trimMessages([...messages], { maxTokens, tokenCounter: approxTokens, strategy: "last", startOn: "human", includeSystem: false, allowPartial: false });
}
