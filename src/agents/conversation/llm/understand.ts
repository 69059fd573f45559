import { SystemMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph, isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { UnderstoodMessage } from "../../../domain/conversation-llm.js";
import type { Slots } from "../../../domain/conversation.js";
import type { Intent } from "../../../domain/intent.js";
import { UNSTREAMED_TAGS } from "../../../models/openai.js";
import type { ConversationDeps } from "../deps.js";
import { fillSlots } from "../dialog.js";
import { figures } from "../grounding.js";
import type { IntentClassifier } from "../intents.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "../state.js";
import { lastCustomerText, understand } from "../understand.js";
import { MODEL_AGENTS, type ConversationModels } from "./models.js";
import { modelCall } from "./usage.js";
import { threadWindow } from "./window.js";

const ReadState = Annotation.Root({
  messages: Annotation<BaseMessage[]>(),
  understood: Annotation<UnderstoodMessage | undefined>(),
});

/** The structured-output call as a one-node graph, so transient errors are retried by the node's retryPolicy. */
function readGraph(deps: ConversationDeps, models: ConversationModels) {
  const structured = models.chat.withStructuredOutput(UnderstoodMessage, { name: "understood_message", method: "jsonSchema", includeRaw: true });
  const read = async (state: typeof ReadState.State, config: LangGraphRunnableConfig) => {
    const out = await structured.invoke([new SystemMessage(models.prompts.understand), ...state.messages], { signal: config.signal, tags: UNSTREAMED_TAGS });
    deps.observer.modelCall?.(modelCall(out.raw as AIMessage, { agent: "understand", model: models.modelName, prices: models.prices, config }));
    return { understood: UnderstoodMessage.parse(out.parsed) };
  };
  return new StateGraph(ReadState).addNode("read", read, { retryPolicy: models.retry }).addEdge(START, "read").addEdge("read", END).compile({ name: "understand_model" });
}

/**
 * The slots the model read, kept only where the message states them: an amount must be one of the message's
 * own figures, a share or a term a number it wrote. A slot is a fact the grounding check accepts, so a
 * model's guess must never become one.
 */
export function statedSlots(u: UnderstoodMessage, text: string): Partial<Slots> {
  const cents = new Set(figures(text).cents);
  const numbers = new Set((text.match(/\d+(?:[.,]\d+)?/g) ?? []).map((n) => Number(n.replace(",", "."))));
  const money = (pesos: number | null) => (pesos !== null && cents.has(Math.round(pesos * 100)) ? Math.round(pesos * 100) : undefined);
  return {
    budget_max_cents: money(u.budget_max_pesos),
    down_payment_cents: money(u.down_payment_pesos),
    down_payment_pct: u.down_payment_percent !== null && numbers.has(u.down_payment_percent) ? u.down_payment_percent / 100 : undefined,
    term_months: u.term_months !== null && numbers.has(u.term_months) ? u.term_months : undefined,
  };
}

/** The offline classifier with its answer replaced by the model's: the rest of understand's rules read it as before. */
function classifierSaying(base: IntentClassifier, intents: readonly Intent[]): IntentClassifier {
  return Object.assign(Object.create(base) as IntentClassifier, { classify: () => [...intents] });
}

/**
 * understand with a model: intents and slots by structured output, then the same rules as offline (the words
 * that settle an intent, the dialog stack, a person on a threat or a request). A model that fails after its
 * retries leaves the message to the offline classifier. A turn it understood, with model agents to come, keeps
 * the failure count pending: those agents settle it (agent.ts).
 */
export function understandWithModel(deps: ConversationDeps, models: ConversationModels) {
  const offline = understand(deps);
  const graph = readGraph(deps, models);
  return async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const before = dialogOf(state);
    const text = lastCustomerText(state.messages).trim().slice(0, deps.settings.max_message_chars);
    if (before.waiting_for_person || text === "") return offline(state);
    let read: UnderstoodMessage | undefined;
    try {
      const window = await threadWindow(state.messages ?? [], { maxTokens: models.settings.window_tokens, maxChars: deps.settings.max_message_chars });
      read = (await graph.invoke({ messages: window }, config)).understood;
    } catch (e) {
      if (isGraphBubbleUp(e) || config.signal?.aborted) throw e;
    }
    const out = read ? understand({ ...deps, classifier: classifierSaying(deps.classifier, read.intents) })(state) : offline(state);
    const { dialog, turn } = out;
    if (!dialog || !turn || turn.escalation || turn.failed) return out;
    const slots = read ? fillSlots(dialog.slots, statedSlots(read, text)) : dialog.slots;
    const modelTurn = turn.plan.some((a) => (MODEL_AGENTS as readonly string[]).includes(a));
    return { ...out, dialog: { ...dialog, slots, failures: modelTurn ? before.failures : dialog.failures } };
  };
}
