import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { ConversationContext } from "../agents/conversation/state.js";
import type { Turn } from "../domain/conversation.js";
import { redactPii } from "../domain/pii.js";
import type { CareRuntime, ConversationGraph } from "./care-runtime.js";
import { withBookkeeping } from "./streamed-runs.js";

/** What one message to the conversation graph came to: the bot's reply (every AI message of the turn) and the turn's record. */
export interface ChatOutcome {
  thread_id: string;
  /** Null while the thread waits for a person: the bot says nothing. */
  reply: string | null;
  status: "answered" | "handed_off";
  turn: Pick<Turn, "intents" | "agents"> & { tools: string[] };
}

export interface ChatRequest {
  thread_id: string;
  message: string;
  context: ConversationContext;
  /** The queued run: its id is the customer message's id, so a redelivered run finds its message in the thread. */
  run_id: string;
  signal?: AbortSignal;
}

type Snapshot = Awaited<ReturnType<ConversationGraph["getState"]>>;

/**
 * One customer message through the conversation graph, on its thread. A run executed again (its worker died)
 * goes on from the thread's checkpoints instead: the message, stored with the run's id, is not added twice,
 * and a turn that had ended is read back, not run again.
 */
export async function runChat(rt: CareRuntime, req: ChatRequest): Promise<ChatOutcome> {
  // LangGraph types a context key that is optional in the schema as required: the schema is what it parses with.
  // metadata.run_id: what a model call's tokens and cost are logged under (the run's tracking id).
  const config = { configurable: { thread_id: req.thread_id }, context: { customer_id: undefined, ...req.context }, signal: req.signal, metadata: { run_id: req.run_id } };
  await markThread(rt, req.thread_id, { status: "running", context: req.context, customer_id: req.context.customer_id ?? null });
  try {
    let snapshot = await rt.conversation.getState(config);
    const seen = messagesOf(snapshot).some((m) => m.id === req.run_id);
    if (!seen) await rt.conversation.invoke({ messages: [new HumanMessage({ id: req.run_id, content: req.message })] }, config);
    else if (snapshot.next.length > 0 && !waiting(snapshot)) await rt.conversation.invoke(null, config);
    snapshot = await rt.conversation.getState(config);
    const outcome = chatOutcome(req.thread_id, snapshot, req.run_id);
    await markThread(rt, req.thread_id, { status: outcome.status === "handed_off" ? "interrupted" : "done" });
    return outcome;
  } catch (e) {
    await markThread(rt, req.thread_id, { status: "failed", error: redactPii(String(e)).slice(0, 300) }).catch(() => undefined);
    throw e;
  }
}

/** The thread's bookkeeping, as the routes read it (a search by status, who the thread is for). */
async function markThread(rt: CareRuntime, threadId: string, metadata: Record<string, unknown>): Promise<void> {
  await rt.store.threads.upsert(threadId, "patch", { graph_id: "conversation", assistant_id: "conversation", ...metadata });
}

const messagesOf = (s: Snapshot): BaseMessage[] => ((s.values as { messages?: BaseMessage[] }).messages ?? []);
const waiting = (s: Snapshot) => s.tasks.some((t) => (t.interrupts ?? []).length > 0);

/** The turn of the message `messageId`: the AI messages after it, and the state's turn record. */
export function chatOutcome(threadId: string, snapshot: Snapshot, messageId?: string): ChatOutcome {
  const messages = messagesOf(snapshot);
  let from = messageId === undefined ? -1 : messages.findIndex((m) => m.id === messageId);
  if (from < 0) messages.forEach((m, i) => void (HumanMessage.isInstance(m) && (from = i)));
  const said = messages.slice(from + 1).filter((m) => AIMessage.isInstance(m)).map((m) => m.text).filter((t) => t.trim() !== "");
  const turn = (snapshot.values as { turn?: Turn }).turn;
  const handedOff = waiting(snapshot);
  return {
    thread_id: threadId,
    // The transition message ("te comunico con una persona") is said before the hand-off waits.
    reply: said.length > 0 ? said.join("\n\n") : null,
    status: handedOff ? "handed_off" : "answered",
    turn: { intents: turn?.intents ?? [], agents: turn?.agents ?? [], tools: (turn?.tools ?? []).map((t) => t.name) },
  };
}

/**
 * The conversation graph as the LangGraph routes run it: the thread marked running, then interrupted (it waits
 * for a person) or done, or failed, as runChat marks it for /v1 and the channels.
 */
export function bookkeptConversation(rt: CareRuntime): ConversationGraph {
  return withBookkeeping(rt.conversation, async (threadId, _input, options) => {
    const context = ConversationContext.parse(options?.context ?? {});
    await markThread(rt, threadId, { status: "running", context, customer_id: context.customer_id ?? null });
    return {
      finish: async (id) => {
        const snapshot = await rt.conversation.getState({ configurable: { thread_id: id } });
        await markThread(rt, id, { status: waiting(snapshot) ? "interrupted" : "done" });
      },
      fail: (id, e) => markThread(rt, id, { status: "failed", error: redactPii(String(e)).slice(0, 300) }),
    };
  });
}
