import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { InMemoryStore, MemorySaver } from "@langchain/langgraph";
import type { ModelConfig } from "../../models/config.js";
import { openSqliteStore } from "../../store/sqlite/open.js";
import { compileConversationGraph } from "../../../graphs/conversation.js";
import { createConversationDeps } from "../../agents/conversation/deps.js";
import type { Driver } from "./check.js";

/** The compiled conversation graph as the golden set drives it: what any compiled LangGraph graph offers. */
export interface ConversationGraphLike {
  invoke(input: { messages: Array<{ role: "user"; content: string }> }, config: RunConfig): Promise<unknown>;
  getState(config: RunConfig): Promise<{ values: unknown; tasks: ReadonlyArray<{ interrupts: readonly unknown[] }> }>;
}
interface RunConfig {
  configurable: { thread_id: string };
  context: { channel: "api" };
}

/**
 * One message through the graph, on the thread: the reply is every AI message after the customer's, the
 * `turn` record is read from the state, and an interrupt (the hand-off) is reported as one.
 */
export function graphDriver(graph: ConversationGraphLike): Driver {
  return async (threadId, message) => {
    const config: RunConfig = { configurable: { thread_id: threadId }, context: { channel: "api" } };
    await graph.invoke({ messages: [{ role: "user", content: message }] }, config);
    const state = await graph.getState(config);
    const values = (state.values ?? {}) as { messages?: BaseMessage[]; turn?: unknown };
    const messages = values.messages ?? [];
    let lastHuman = -1;
    messages.forEach((m, i) => void (HumanMessage.isInstance(m) && (lastHuman = i)));
    const reply = messages
      .slice(lastHuman + 1)
      .filter((m) => AIMessage.isInstance(m))
      .map((m) => m.text)
      .join("\n");
    // The checker validates the turn record: a graph that writes none fails there, naming the field.
    return { reply, turn: values.turn as never, interrupted: state.tasks.some((t) => t.interrupts.length > 0) };
  };
}

/**
 * The real graph in process on MemorySaver, InMemoryStore and a SQLite database in memory for its tickets and
 * leads, so an evaluation leaves nothing behind; `close` releases the database.
 */
export async function conversationGraphDriver(models?: ModelConfig): Promise<{ driver: Driver; close: () => Promise<void> }> {
  const store = openSqliteStore(":memory:");
  try {
    const graph = compileConversationGraph(createConversationDeps({ store, models }), new MemorySaver(), new InMemoryStore());
    return { driver: graphDriver(graph as unknown as ConversationGraphLike), close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}
