import { AIMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { Annotation, END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { UNSTREAMED_TAGS } from "../../../models/openai.js";
import type { ConversationDeps } from "../deps.js";
import { replyVerdict, safeText, type ReplyVerdict } from "../safety.js";
import type { ConversationModels } from "./models.js";
import { groundingFacts } from "./tool-record.js";
import { modelCall } from "./usage.js";

const AgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** Rounds of tool calls made so far this turn. */
  rounds: Annotation<number>({ reducer: (_, b) => b, default: () => 0 }),
  /** Figures the turn backed before this agent (earlier agents' tools, the slots). */
  known: Annotation<string[]>(),
  /** The customer's message: its figures may price a simulation, and the safety rules read it. */
  incoming: Annotation<string>(),
  /** What the rules refused in the model's answer, which was replaced before it entered any state. */
  refused: Annotation<ReplyVerdict | undefined>(),
});

const wantsTools = (m: BaseMessage | undefined) => AIMessage.isInstance(m) && (m.tool_calls?.length ?? 0) > 0;

/**
 * One agent's turn as a graph: the model, bound to the agent's tools, and a ToolNode, in a loop of at most
 * `max_tool_rounds`; the round after the last must answer in words (tool_choice "none"). The model node
 * retries transient errors with the models' retry policy; what still fails reaches the caller, whose
 * fallback reply it is. The final answer is checked where it is made, as the care graph's compose checks
 * its draft: a refused one is replaced before it enters this graph's state, a checkpoint or a stream.
 * Every call's tokens and cost go to the observer with the run's tracking id.
 */
export function agentGraph(o: { agent: string; tools: StructuredToolInterface[]; models: ConversationModels; deps: ConversationDeps }) {
  const { models, deps } = o;
  const withTools = models.chat.bindTools(o.tools);
  const wordsOnly = models.chat.bindTools(o.tools, { tool_choice: "none" });
  const system = new SystemMessage(models.prompts[o.agent as keyof ConversationModels["prompts"]]);
  const callModel = async (state: typeof AgentState.State, config: LangGraphRunnableConfig) => {
    const model = state.rounds >= models.settings.max_tool_rounds ? wordsOnly : withTools;
    const answer = await model.invoke([system, ...state.messages], { signal: config.signal, tags: UNSTREAMED_TAGS });
    deps.observer.modelCall?.(modelCall(answer, { agent: o.agent, model: models.modelName, prices: models.prices, config }));
    if (wantsTools(answer) || !answer.text.trim()) return { messages: [answer], rounds: state.rounds + (wantsTools(answer) ? 1 : 0) };
    const text = answer.text.trim();
    const v = replyVerdict(text, groundingFacts(state.messages, state.known, state.incoming), state.incoming, deps);
    const safe = safeText(text, v, deps);
    return { messages: [safe === text ? answer : new AIMessage({ content: safe, id: answer.id })], refused: safe === text ? undefined : v };
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
