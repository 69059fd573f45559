import { END, START, StateGraph, type BaseCheckpointSaver, type BaseStore } from "@langchain/langgraph";
import type { AgentName } from "../src/domain/conversation.js";
import { company } from "../src/agents/conversation/company.js";
import { compose } from "../src/agents/conversation/compose.js";
import { createConversationDeps, type ConversationDeps } from "../src/agents/conversation/deps.js";
import { greeting } from "../src/agents/conversation/greeting.js";
import { handoff } from "../src/agents/conversation/handoff.js";
import { loadMemory, remember } from "../src/agents/conversation/memory.js";
import { safety } from "../src/agents/conversation/safety.js";
import { sales } from "../src/agents/conversation/sales.js";
import { ConversationContext, ConversationInput, ConversationState, dialogOf, type ConversationStateType } from "../src/agents/conversation/state.js";
import { support } from "../src/agents/conversation/support.js";
import { understand } from "../src/agents/conversation/understand.js";
import { appConfigFromEnv } from "../src/config.js";
import { openSqliteStore } from "../src/store/sqlite/open.js";
import { lazyNode } from "./lazy-node.js";

const AGENTS = ["greeting", "sales", "support", "company"] as const satisfies readonly AgentName[];

/** The next agent of the turn's plan, in order; compose once all have spoken. */
export function nextAgent(state: ConversationStateType): AgentName | "compose" {
  return state.turn.plan.find((a) => !state.turn.agents.includes(a)) ?? "compose";
}

/** While a person has the conversation, a message goes to them and the bot says nothing. */
export function routeAfterUnderstand(state: ConversationStateType): AgentName | "compose" | "handoff" {
  return dialogOf(state).waiting_for_person ? "handoff" : nextAgent(state);
}

export function routeAfterSafety(state: ConversationStateType): "handoff" | "remember" {
  return state.turn.escalation ? "handoff" : "remember";
}

/**
 * One turn: load_memory → understand → the agents of the turn's intents, one after another → compose →
 * safety → remember; a person (handoff) after safety when the turn escalated, straight from understand
 * while the thread waits for them.
 */
export function createConversationBuilder(deps: () => ConversationDeps) {
  const b = new StateGraph(ConversationState, { input: ConversationInput, context: ConversationContext })
    .addNode("load_memory", lazyNode("load_memory", loadMemory, deps))
    .addNode("understand", lazyNode("understand", understand, deps))
    .addNode("greeting", lazyNode("greeting", greeting, deps))
    .addNode("sales", lazyNode("sales", sales, deps))
    .addNode("support", lazyNode("support", support, deps))
    .addNode("company", lazyNode("company", company, deps))
    .addNode("compose", lazyNode("compose", compose, deps))
    .addNode("safety", lazyNode("safety", safety, deps))
    .addNode("handoff", lazyNode("handoff", handoff, deps))
    .addNode("remember", lazyNode("remember", remember, deps))
    .addEdge(START, "load_memory")
    .addEdge("load_memory", "understand")
    .addConditionalEdges("understand", routeAfterUnderstand, [...AGENTS, "compose", "handoff"])
    .addEdge("compose", "safety")
    .addConditionalEdges("safety", routeAfterSafety, ["handoff", "remember"])
    .addEdge("handoff", "remember")
    .addEdge("remember", END);
  for (const agent of AGENTS) b.addConditionalEdges(agent, nextAgent, [...AGENTS, "compose"]);
  return b;
}

/** `store`: the long-term memory (customer profiles), reached by nodes as `config.store`. */
export function compileConversationGraph(deps: ConversationDeps, checkpointer?: BaseCheckpointSaver, store?: BaseStore) {
  return createConversationBuilder(() => deps).compile({ checkpointer, store, name: "conversation" });
}

let defaults: ConversationDeps | undefined;
/** Offline deps from data/ and prompts/; the desk's tickets and leads in the configured SQLite file (see README, Configuration). */
const defaultDeps = () => (defaults ??= createConversationDeps({ store: openSqliteStore(appConfigFromEnv().dbPath) }));

export const builder = createConversationBuilder(defaultDeps);
/** For LangGraph Studio and the LangGraph API server, which bring their own checkpointer and store. */
export const graph = builder.compile({ name: "conversation" });
