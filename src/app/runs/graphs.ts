import { z } from "zod";
import { ApiContext } from "../../agents/context.js";
import { CareInput } from "../../agents/state.js";
import type { CareRuntime } from "../care-runtime.js";
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
  graph: CareRuntime["graph"];
  runnable: CareRuntime["graph"];
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

/** The graphs this service runs, by id (the assistant id the SDK names). The conversation graph joins here. */
export function servedGraphs(rt: CareRuntime): ReadonlyMap<string, ServedGraph> {
  return new Map([careGraph(rt)].map((g) => [g.id, g]));
}

/** The graph a contact of /v1 or a channel runs. */
export const CARE_GRAPH_ID = "care";
