import type { ConversationContext } from "../agents/conversation/state.js";
import type { RunRecord } from "../store/ports.js";
import type { CareRuntime } from "./care-runtime.js";
import { CONVERSATION_GRAPH_ID } from "./runs/graphs.js";
import { submitRun } from "./runs/submit.js";

/** The thread cannot take this customer's message: another graph's thread, or another customer's conversation. */
export class ChatThreadRefusedError extends Error {
  override readonly name = "ChatThreadRefusedError";
}

export interface ChatTurnRequest {
  message: string;
  context: ConversationContext;
  request_id?: string;
  /** Someone reads the turn as it is said: its bot messages become run events (the web chat). */
  stream?: boolean;
}

/**
 * Queues one customer message to the conversation graph on a thread the client names (/v1/chats, the web chat):
 * the thread is the conversation graph's and the customer's own, or it is refused; the run is queued behind the
 * thread's earlier turns. Channels with a webhook queue theirs through the ChannelInbox.
 */
export function queueChatTurn(rt: CareRuntime, threadId: string, t: ChatTurnRequest): Promise<RunRecord> {
  return rt.store.transaction(async (tx) => {
    const meta = (await tx.threads.get(threadId))?.metadata;
    if (meta?.graph_id !== undefined && meta.graph_id !== CONVERSATION_GRAPH_ID) throw new ChatThreadRefusedError(`thread ${threadId} belongs to the ${String(meta.graph_id)} graph`);
    const owner = meta?.customer_id ?? null;
    if (owner !== null && owner !== undefined && owner !== (t.context.customer_id ?? null)) throw new ChatThreadRefusedError(`thread ${threadId} is another customer's conversation`);
    await tx.threads.upsert(threadId, "patch", { graph_id: CONVERSATION_GRAPH_ID, assistant_id: CONVERSATION_GRAPH_ID });
    return submitRun(tx, {
      thread_id: threadId,
      assistant_id: CONVERSATION_GRAPH_ID,
      multitask_strategy: "enqueue",
      kwargs: { kind: "chat", message: t.message, context: t.context, request_id: t.request_id, ...(t.stream ? { stream: true } : {}) },
    });
  });
}
