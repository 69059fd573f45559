import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { InMemoryStore, MemorySaver } from "@langchain/langgraph";
import type { ModelConfig } from "../../models/config.js";
import type { Store } from "../../store/ports.js";
import { openSqliteStore } from "../../store/sqlite/open.js";
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

/** The conversation graph is not in this build, or not in the shape docs/plans/conversation.md gives it. */
export class ConversationGraphMissing extends Error {
  override readonly name = "ConversationGraphMissing";
}

/*
 * LEAD: graphs/conversation.ts is being built in parallel with this file. It is loaded by a computed
 * specifier so that this branch type-checks without it. Once it lands, replace the two dynamic imports
 * below with static imports of `compileConversationGraph` and the deps factory, and make `conversationDeps`
 * call that factory as it really is (the plan names ConversationDeps: tools, classifier, desk, models?; the
 * desk's tickets and leads live in the Store, here a SQLite database in memory).
 */
const GRAPH_MODULE = "../../../graphs/conversation.js";
const DEPS_MODULE = "../../agents/conversation/deps.js";

async function importOrMissing(spec: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(spec)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND")
      throw new ConversationGraphMissing(`${what} is not in this build (${spec.replace(/^(\.\.\/)+/, "")}): the golden set needs the conversation graph`);
    throw e;
  }
}

function exported<T>(mod: Record<string, unknown>, name: string, where: string): T {
  if (typeof mod[name] !== "function") throw new ConversationGraphMissing(`${where} exports no function ${name} (docs/plans/conversation.md)`);
  return mod[name] as T;
}

async function conversationDeps(store: Store, models: ModelConfig | undefined): Promise<unknown> {
  const mod = await importOrMissing(DEPS_MODULE, "the conversation graph's deps");
  return exported<(options: { store: Store; models?: ModelConfig }) => unknown>(mod, "createConversationDeps", "src/agents/conversation/deps.ts")({ store, models });
}

/**
 * The real graph in process on MemorySaver, InMemoryStore and a SQLite database in memory for its tickets and
 * leads, so an evaluation leaves nothing behind; `close` releases the database.
 */
export async function conversationGraphDriver(models?: ModelConfig): Promise<{ driver: Driver; close: () => Promise<void> }> {
  const mod = await importOrMissing(GRAPH_MODULE, "the conversation graph");
  const compile = exported<(deps: unknown, checkpointer: MemorySaver, store: InMemoryStore) => ConversationGraphLike>(mod, "compileConversationGraph", "graphs/conversation.ts");
  const store = openSqliteStore(":memory:");
  try {
    const graph = compile(await conversationDeps(store, models), new MemorySaver(), new InMemoryStore());
    return { driver: graphDriver(graph), close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}
