import { BaseMessage, HumanMessage } from "@langchain/core/messages";
import { MessagesZodMeta, type Messages } from "@langchain/langgraph";
import { registry } from "@langchain/langgraph/zod";
import { z } from "zod";
import { Dialog, EMPTY_DIALOG, Profile, Turn } from "../../domain/conversation.js";
import { redactPii } from "../../domain/pii.js";
import { Channel } from "../../domain/channel.js";

/**
 * The conversation graph's state: the standard `messages` channel (so the SDK, useStream and chat UIs work
 * unchanged; input `{ messages: [{ role: "user", content }] }`, replies are AI messages appended), the
 * dialog (tasks and slots, kept across turns), what this turn did, and the customer's long-term profile.
 */
export const ConversationState = z.object({
  messages: z.custom<BaseMessage[]>().register(registry, MessagesZodMeta),
  /** Absent on a thread's first turn: `load_memory` starts it (see `ready`). */
  dialog: Dialog,
  /** Replaced every turn by `understand`; each agent returns it whole (they run one after another). */
  turn: Turn,
  profile: Profile,
});
export type ConversationStateType = z.infer<typeof ConversationState>;
export type ConversationUpdate = Partial<z.input<typeof ConversationState>>;

/** Per-run settings (LangGraph context schema). No customer: an anonymous visitor, profiled by the thread. */
export const ConversationContext = z.object({
  customer_id: z.string().min(1).max(64).optional(),
  channel: Channel.default("api"),
});
export type ConversationContext = z.infer<typeof ConversationContext>;

export function readConversationContext(runtime: { context?: unknown } | undefined): ConversationContext {
  return ConversationContext.parse(runtime?.context ?? {});
}

const isCustomer = (m: Record<string, unknown>) =>
  m["role"] === "user" || m["role"] === "human" || m["type"] === "human" || (m instanceof BaseMessage && m.getType() === "human");

function maskContent(content: unknown): unknown {
  if (typeof content === "string") return redactPii(content);
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === "object" && typeof p.text === "string" ? { ...p, text: redactPii(p.text) } : p));
  return content;
}

/** A customer's message with card and phone numbers masked; any other message as it came. */
function maskMessage(m: unknown): unknown {
  if (typeof m === "string") return { role: "user", content: redactPii(m) };
  if (!m || typeof m !== "object" || !isCustomer(m as Record<string, unknown>)) return m;
  if (m instanceof BaseMessage) return new HumanMessage({ content: maskContent(m.content) as string, id: m.id, name: m.name, additional_kwargs: m.additional_kwargs });
  return { ...m, content: maskContent((m as Record<string, unknown>)["content"]) };
}

/**
 * What a run takes: the messages alone (parsed against the whole state, the other channels' defaults would
 * be written over what the thread holds on every turn). LangGraph parses it before it writes anything, so
 * the customer's words reach the checkpoints and every node with card and phone numbers already masked.
 */
export const ConversationInput = z.object({
  messages: z.custom<Messages>().transform((ms) => (Array.isArray(ms) ? ms : [ms]).map(maskMessage) as Messages),
});

/** A thread's dialog, the empty one on its first turn (the input schema writes no defaults into the state). */
export function dialogOf(state: { dialog?: Dialog }): Dialog {
  return state.dialog ?? EMPTY_DIALOG;
}
