import { z } from "zod";
import { ApiContext } from "../../agents/context.js";
import { CareGraphInput, CareInput } from "../../agents/state.js";
import { ConversationContext, ConversationInput } from "../../agents/conversation/state.js";
import type { CareRuntime } from "../care-runtime.js";
import { bookkeptConversation } from "../conversation-runs.js";
import { bookkeptGraph } from "../streamed-runs.js";

/** The JSON Schemas the SDK's assistants.getSchemas and Studio read, from the zod schemas the routes parse with. */
export interface GraphSchemas {
  input_schema: unknown;
  state_schema: unknown;
  output_schema: unknown;
  context_schema: unknown;
  config_schema: unknown;
}

/**
 * One graph the service runs, as the LangGraph routes and the worker see it: the compiled graph (state,
 * history, drawing), the graph runs execute (with that graph's run bookkeeping around it), its schemas.
 * The request checks a run passes before it is queued are the HTTP layer's, per graph id.
 */
export interface ServedGraph {
  id: string;
  description: string;
  graph: CareRuntime["graph"] | CareRuntime["conversation"];
  runnable: CareRuntime["graph"] | CareRuntime["conversation"];
  schemas(): GraphSchemas;
}

/** The care graph: one customer contact per thread, handed to people on an interrupt. */
function careGraph(rt: CareRuntime): ServedGraph {
  const state = CareInput.extend({
    contact: z.record(z.string(), z.unknown()).describe("what the nodes decided: route, decision, draft, safety verdict, score, escalation, review, outcome"),
  });
  return {
    id: "care",
    description: "One customer contact: router → responder/outreach → safety → judge → policy_update",
    graph: rt.graph,
    runnable: bookkeptGraph(rt),
    schemas: () => ({
      input_schema: z.toJSONSchema(CareInput, { io: "input" }),
      state_schema: z.toJSONSchema(state, { io: "output" }),
      output_schema: z.toJSONSchema(state, { io: "output" }),
      context_schema: z.toJSONSchema(ApiContext, { io: "input" }),
      config_schema: null,
    }),
  };
}

/** The conversation graph: one customer conversation per thread, many turns, on the standard `messages` channel. */
function conversationGraph(rt: CareRuntime): ServedGraph {
  const message = z.object({ type: z.string(), content: z.unknown(), id: z.string().optional() }).loose();
  const state = z.object({
    messages: z.array(message),
    dialog: z.record(z.string(), z.unknown()).describe("the tasks under way and the slots filled (car, budget, down payment, term, ticket)").optional(),
    turn: z.record(z.string(), z.unknown()).describe("what the last turn did: intents, agents, tools, escalation").optional(),
    profile: z.record(z.string(), z.unknown()).describe("the customer's long-term profile").optional(),
  });
  const input = z.object({ messages: z.array(z.object({ role: z.enum(["user", "human"]), content: z.string() })).min(1) });
  return {
    id: CONVERSATION_GRAPH_ID,
    description: "A customer conversation: load_memory → understand → sales / support / company / greeting → compose → safety → remember",
    graph: rt.conversation,
    runnable: bookkeptConversation(rt),
    schemas: () => ({
      input_schema: z.toJSONSchema(input, { io: "input" }),
      state_schema: z.toJSONSchema(state, { io: "output" }),
      output_schema: z.toJSONSchema(state, { io: "output" }),
      context_schema: z.toJSONSchema(ConversationContext, { io: "input" }),
      config_schema: null,
    }),
  };
}

/** The graphs this service runs, by id (the assistant id the SDK names). */
export function servedGraphs(rt: CareRuntime): ReadonlyMap<string, ServedGraph> {
  return new Map([careGraph(rt), conversationGraph(rt)].map((g) => [g.id, g]));
}

/** The graph a contact of /v1 or a channel runs. */
export const CARE_GRAPH_ID = "care";
/** The graph a customer's chat message runs (/v1 conversations, channels). */
export const CONVERSATION_GRAPH_ID = "conversation";

const INPUTS: Record<string, z.ZodType> = { [CARE_GRAPH_ID]: CareGraphInput, [CONVERSATION_GRAPH_ID]: ConversationInput };

/** What a LangGraph-route run of `graphId` takes as input (parsed before the run is queued); undefined for no graph of ours. */
export const graphInput = (graphId: unknown): z.ZodType | undefined => (typeof graphId === "string" ? INPUTS[graphId] : undefined);


