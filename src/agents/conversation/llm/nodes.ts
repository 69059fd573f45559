import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ConversationDeps } from "../deps.js";
import type { ConversationStateType, ConversationUpdate } from "../state.js";
import { understand } from "../understand.js";
import { modelAgent } from "./agent.js";
import type { ModelAgent } from "./models.js";
import { understandWithModel } from "./understand.js";

type Node = (state: ConversationStateType, config: LangGraphRunnableConfig) => ConversationUpdate | Promise<ConversationUpdate>;

/** understand: by structured output when models are configured, else the offline classifier. */
export function understandNode(deps: ConversationDeps): Node {
  return deps.models ? understandWithModel(deps, deps.models) : understand(deps);
}

/**
 * An agent node: its model bound to its tools when models are configured, else the offline agent. Support
 * with no desk stays offline: it has nothing to call but fines, and hands the case to a person.
 */
export function agentNode(agent: ModelAgent, offline: (deps: ConversationDeps) => Node) {
  return (deps: ConversationDeps): Node => (deps.models && (agent !== "support" || deps.desk) ? modelAgent(agent, deps, deps.models) : offline(deps));
}
