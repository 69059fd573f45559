import type { BaseMessage } from "@langchain/core/messages";
import { MessagesZodMeta } from "@langchain/langgraph";
import { registry } from "@langchain/langgraph/zod";
import { z } from "zod";
import { Dialog, EMPTY_DIALOG, Profile, Turn } from "../../domain/conversation.js";

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
  channel: z.enum(["api", "web", "whatsapp", "telegram"]).default("api"),
});
export type ConversationContext = z.infer<typeof ConversationContext>;

export function readConversationContext(runtime: { context?: unknown } | undefined): ConversationContext {
  return ConversationContext.parse(runtime?.context ?? {});
}

/**
 * What a run takes: the messages alone. Parsed against the whole state, the other channels' defaults would
 * be written over what the thread holds on every turn.
 */
export const ConversationInput = z.object({
  messages: z.custom<BaseMessage[]>().register(registry, MessagesZodMeta),
});

/** A thread's dialog, the empty one on its first turn (the input schema writes no defaults into the state). */
export function dialogOf(state: { dialog?: Dialog }): Dialog {
  return state.dialog ?? EMPTY_DIALOG;
}
