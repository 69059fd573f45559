import { AIMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { isGraphBubbleUp, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { z } from "zod";
import { CarRef, type Dialog, type ToolCall, type Turn } from "../../../domain/conversation.js";
import { createDeskTools, createFinesTool, createTools } from "../../../tools/index.js";
import type { ConversationDeps } from "../deps.js";
import { slotFacts } from "../grounding.js";
import { Contribution } from "../parts.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "../state.js";
import { agentGraph } from "./agent-graph.js";
import type { ConversationModels, ModelAgent } from "./models.js";
import type { ReplyVerdict } from "../safety.js";
import { groundingFacts, recordedCalls } from "./tool-record.js";
import { threadWindow } from "./window.js";

/** The tools each agent's model is bound to: the same LangChain tools (src/tools) the offline agents' functions sit under. */
function toolsOf(agent: ModelAgent, deps: ConversationDeps): StructuredToolInterface[] {
  const [searchCatalog, simulateFinancing, searchKnowledge] = createTools(deps.tools);
  const desk = deps.desk ? createDeskTools(deps.desk, deps.tools.descriptions) : [];
  const named = (...names: string[]) => desk.filter((t) => names.includes(t.name));
  if (agent === "sales") return [searchCatalog, simulateFinancing, searchKnowledge, ...named("book_test_drive", "create_lead")];
  if (agent === "support") return [...named("open_ticket", "ticket_status", "add_ticket_note", "close_ticket"), createFinesTool(deps.fines, deps.tools.descriptions)];
  return [searchKnowledge];
}

const CatalogAnswer = z.object({ cars: z.array(z.looseObject(CarRef.shape)) });
const TicketAnswer = z.object({ ok: z.literal(true), ticket: z.object({ folio: z.string() }) });

/** What the dialog keeps of the tools' answers: the last list shown (for "el segundo"), a single car, the folio opened. */
function dialogAfter(d: Dialog, calls: readonly ToolCall[]): Dialog {
  let out = d;
  for (const c of calls) {
    const cars = c.name === "search_catalog" ? CatalogAnswer.safeParse(c.result) : undefined;
    if (cars?.success) {
      const results = cars.data.cars.map((car) => CarRef.parse(car));
      out = { ...out, results, slots: results.length === 1 ? { ...out.slots, car: results[0] } : out.slots };
    }
    const ticket = c.name === "open_ticket" ? TicketAnswer.safeParse(c.result) : undefined;
    if (ticket?.success) out = { ...out, slots: { ...out.slots, ticket_folio: ticket.data.ticket.folio } };
  }
  return out;
}

/**
 * The consecutive-failure rule with a model: a turn fails when an agent's model fails after its retries.
 * understand leaves the count as it was for a turn it understood with model agents to come (llm/understand.ts),
 * the first agent to fail adds one, and the turn's last agent clears it when none failed. The third failure
 * in a row brings a person in, as a third message not understood does.
 */
function settleFailures(d: Dialog, turn: Turn, c: Contribution, failed: boolean, last: boolean, deps: ConversationDeps): { dialog: Dialog; failed: boolean } {
  if (failed && !turn.failed) {
    const failures = d.failures + 1;
    if (failures < deps.settings.max_failures) return { dialog: { ...d, failures }, failed: true };
    c.escalation = { reason: "repeated_failure", priority: deps.settings.priorities.repeated_failure };
    return { dialog: { ...d, failures: 0 }, failed: true };
  }
  if (!failed && !turn.failed && last) return { dialog: { ...d, failures: 0 }, failed: false };
  return { dialog: d, failed: turn.failed || failed };
}

/**
 * An agent whose work a model does, bound to the agent's tools (agentGraph). Its tool calls land in
 * `turn.tools` and their figures in `turn.facts`, so the safety node grounds the model's reply as it grounds
 * an offline one; the reply goes through compose and safety like any part. A model that still fails after
 * its retries: the agent's fallback reply, and the turn counts as a failure.
 */
export function modelAgent(agent: ModelAgent, deps: ConversationDeps, models: ConversationModels) {
  const graph = agentGraph({ agent, tools: toolsOf(agent, deps), models, deps });
  return async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const { turn } = state;
    let d = dialogOf(state);
    const c = new Contribution(agent);
    const last = turn.plan.every((a) => a === agent || turn.agents.includes(a));
    const known = [...turn.facts, ...slotFacts(d.slots)];
    let failed = false;
    let refused: ReplyVerdict | undefined;
    try {
      const window = await threadWindow(state.messages ?? [], { maxTokens: models.settings.window_tokens, maxChars: deps.settings.max_message_chars });
      // Nothing inside streams as chat messages: the customer's message is the safety node's, after compose.
      const out = await graph.invoke({ messages: window, known, incoming: turn.text }, { ...config, tags: [...(config.tags ?? []), "nostream"] });
      const made = out.messages.slice(window.length);
      const answer = made.at(-1);
      const text = AIMessage.isInstance(answer) && !(answer.tool_calls?.length ?? 0) ? answer.text.trim() : "";
      if (!text) throw new Error(`the ${agent} model gave no answer in words`);
      const calls = recordedCalls(made);
      c.tools.push(...calls);
      c.facts.push(...groundingFacts(made, known, turn.text).slice(known.length));
      // Pushed as written: a model's text is no template ("{{…}}" is not ours to fill).
      c.parts.push({ kind: "task", agent, text });
      refused = out.refused;
      d = dialogAfter(d, calls);
    } catch (e) {
      // An interrupt or a cancelled run is not the model failing.
      if (isGraphBubbleUp(e) || config.signal?.aborted) throw e;
      failed = true;
      c.parts.push({ kind: "task", agent, text: models.fallbacks[agent] });
    }
    const settled = settleFailures(d, turn, c, failed, last, deps);
    const into = c.into(turn);
    return {
      dialog: settled.dialog,
      turn: { ...into, failed: settled.failed, ungrounded: [...into.ungrounded, ...(refused?.ungrounded ?? [])], safety: [...new Set([...into.safety, ...(refused?.safety ?? [])])] },
    };
  };
}
