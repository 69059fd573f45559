import { AIMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { Annotation, END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { UNSTREAMED_TAGS } from "../../../models/openai.js";
import type { CareObserver } from "../../observer.js";
import type { ConversationModels } from "./models.js";
import { modelCall } from "./usage.js";

const AgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** Rounds of tool calls made so far this turn. */
  rounds: Annotation<number>({ reducer: (_, b) => b, default: () => 0 }),
});

const wantsTools = (m: BaseMessage | undefined) => AIMessage.isInstance(m) && (m.tool_calls?.length ?? 0) > 0;

/**
 * One agent's turn as a graph: the model, bound to the agent's tools, and a ToolNode, in a loop of at most
 * `max_tool_rounds`; the round after the last must answer in words (tool_choice "none"). The model node
 * retries transient errors with the models' retry policy; what still fails reaches the caller, whose
 * fallback reply it is. Every call's tokens and cost go to the observer with the run's tracking id.
 */
export function agentGraph(o: { agent: string; system: string; tools: StructuredToolInterface[]; models: ConversationModels; observer: CareObserver }) {
  const { models } = o;
  const withTools = models.chat.bindTools(o.tools);
  const wordsOnly = models.chat.bindTools(o.tools, { tool_choice: "none" });
  const callModel = async (state: typeof AgentState.State, config: LangGraphRunnableConfig) => {
    const model = state.rounds >= models.settings.max_tool_rounds ? wordsOnly : withTools;
    // Tagged so a streamed run never shows the model's raw words: only what the safety node passes is sent.
    const answer = await model.invoke([new SystemMessage(o.system), ...state.messages], { signal: config.signal, tags: UNSTREAMED_TAGS });
    o.observer.modelCall?.(modelCall(answer, { agent: o.agent, model: models.modelName, prices: models.prices, config }));
    return { messages: [answer], rounds: state.rounds + (wantsTools(answer) ? 1 : 0) };
  };
  return new StateGraph(AgentState)
    .addNode("model", callModel, { retryPolicy: models.retry })
    .addNode("tools", new ToolNode(o.tools, { handleToolErrors: true }))
    .addEdge(START, "model")
    .addConditionalEdges("model", (s) => (wantsTools(s.messages.at(-1)) && s.rounds <= models.settings.max_tool_rounds ? "tools" : END), ["tools", END])
    .addEdge("tools", "model")
    .compile({ name: `${o.agent}_model` });
}
export type AgentGraph = ReturnType<typeof agentGraph>;
