import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { LeadKind } from "../../../domain/conversation.js";
import type { ConversationDeps } from "../deps.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "../state.js";
import { understand } from "../understand.js";
import { leadKindOf } from "../words.js";
import { modelAgent } from "./agent.js";
import type { ModelAgent } from "./models.js";
import { understandWithModel } from "./understand.js";

type Node = (state: ConversationStateType, config: LangGraphRunnableConfig) => ConversationUpdate | Promise<ConversationUpdate>;

/** understand: by structured output when models are configured, else the offline classifier. */
export function understandNode(deps: ConversationDeps): Node {
  return deps.models ? understandWithModel(deps, deps.models) : understand(deps);
}

/** The deals the desk's tools take (leads.ts reads the same): a model can book them. */
const DESK_DEALS: readonly LeadKind[] = ["test_drive", "sell_car", "trade_in"];

/**
 * A deal no tool can close (reserving or buying a car, or any deal with no desk) goes to a person, as
 * offline: the model would have nothing to call and could only promise.
 */
function dealForPerson(state: ConversationStateType, deps: ConversationDeps): boolean {
  if (!state.turn.intents.includes("sales")) return false;
  const kind = leadKindOf(state.turn.text, deps.settings) ?? dialogOf(state).slots.lead?.kind ?? "buy";
  return !deps.desk || !DESK_DEALS.includes(kind);
}

/**
 * An agent node: its model bound to its tools when models are configured, else the offline agent. Support
 * with no desk stays offline (it hands the case to a person), and so does a deal no tool can close.
 */
export function agentNode(agent: ModelAgent, offline: (deps: ConversationDeps) => Node) {
  return (deps: ConversationDeps): Node => {
    const off = offline(deps);
    if (!deps.models || (agent === "support" && !deps.desk)) return off;
    const model = modelAgent(agent, deps, deps.models);
    return agent === "sales" ? (state, config) => (dealForPerson(state, deps) ? off(state, config) : model(state, config)) : model;
  };
}
