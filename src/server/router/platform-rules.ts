import { z } from "zod";
import { ApiContext } from "../../agents/context.js";
import { applyResponse } from "../../agents/human-review.js";
import type { CareInput } from "../../agents/state.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import { CONVERSATION_GRAPH_ID } from "../../app/runs/graphs.js";
import { ConversationContext } from "../../agents/conversation/state.js";
import { checkClaim, ConversationOwnedError, HandoffRefusedError, ResumeInProgressError, ThreadInUseError } from "../../app/contacts.js";
import { AgentName, HumanInterrupt, HumanResume } from "../../domain/human.js";
import { actingAgent } from "../helper/agent.js";
import { conflict, HttpError, invalid, parseWith } from "../helper/http.js";
import { refusedAnswer } from "./handoffs.js";

/** The care graph's rules for runs on the LangGraph routes, checked before a run is queued. */

export const ThreadId = z.string().uuid();

export const refused = (why: string) => z.never({ error: why }).optional();
export const FROM_CHECKPOINT = "a contact runs on from where its graph left it, not from another checkpoint";

/** A run on the Platform routes, ours (`runs/wait`) and the embed server's (`runs/stream`). */
export const WaitRequest = z.object({
  assistant_id: z.string().min(1),
  input: z.record(z.string(), z.unknown()).nullish(),
  // Only resume: update/goto would let a client write any state (a made-up score straight into policy_update).
  command: z.object({ resume: z.unknown() }).strict().nullish(),
  // Its graph's context schema, checked by runContext once the graph is known.
  context: z.record(z.string(), z.unknown()).nullish(),
  config: z.looseObject({ configurable: refused("per-run settings go in context") }).nullish(),
  // On a resume, `agent` names who answers: as on /v1, the agent holding the hand-off's claim.
  metadata: z.looseObject({ agent: AgentName.optional() }).nullish(),
  checkpoint_id: refused(FROM_CHECKPOINT),
  checkpoint: refused(FROM_CHECKPOINT),
  interrupt_before: refused("a contact pauses only for a person"),
  interrupt_after: refused("a contact pauses only for a person"),
  // Both have the embed server call LangSmith (traces with the customer's data, feedback tokens) on a client's word.
  langsmith_tracer: refused("tracing is the operator's setting, not a run's"),
  feedback_keys: refused("tracing is the operator's setting, not a run's"),
});
type RunRequest = z.infer<typeof WaitRequest>;

/** The run's context parsed as its graph's (each graph has its own settings); null or absent stays so. */
export function runContext(graphId: string, context: Record<string, unknown> | null | undefined): Record<string, unknown> | null | undefined {
  if (context == null) return context;
  const schema = graphId === CONVERSATION_GRAPH_ID ? ConversationContext.strict() : ApiContext;
  return parseWith(z.object({ context: schema }), { context }, "body").context;
}

/** Who answers over these routes: the run's metadata.agent, required. */
const Claimant = z.object({
  metadata: z.object({ agent: z.string({ error: "name the agent holding the hand-off's claim (POST /v1/handoffs/{id}/claim)" }).pipe(AgentName) }),
});

/**
 * Reject a resume before it reaches the graph, as /v1/handoffs/{id}/resolve would: the thread waits for a
 * person, the caller holds the hand-off's claim, and the answer is one the hand-off can take (see
 * applyResponse). Returns the claimant.
 */
export async function checkResume(rt: CareRuntime, threadId: string, run: RunRequest, graph: CareRuntime["graph"] | CareRuntime["conversation"] = rt.graph): Promise<string> {
  const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
  const pending = snapshot.tasks.flatMap((t) => t.interrupts ?? [])[0];
  if (!pending) throw new HttpError(409, "conflict", `thread ${threadId} is not waiting for a person`);
  const named = parseWith(Claimant, { metadata: run.metadata ?? {} }, "body").metadata.agent;
  const agent = await actingAgent(rt.store, named, "body.metadata.agent");
  await checkClaim(rt.store, threadId, agent);
  const request = z.array(HumanInterrupt).min(1).safeParse(pending.value);
  const response = HumanResume.safeParse(run.command?.resume);
  if (!response.success) throw invalid(response.error, "body.command.resume");
  if (request.success) applyResponse(response.data, request.data[0]!, (request.data[0]!.action_request.args.message as string) || null);
  return agent;
}

/** The bookkeeping's refusals, as answers. */
export function answer(e: unknown): unknown {
  if (e instanceof HandoffRefusedError) return refusedAnswer(e.interactionId, e.reason);
  if (e instanceof ResumeInProgressError || e instanceof ConversationOwnedError || e instanceof ThreadInUseError) return conflict(e.message);
  return e;
}

/**
 * A turn of the conversation graph: messages the graph can read (each customer's text, bounded), or a resume of
 * a thread that waits for a person. A thread another graph's runs use is refused: its state is not a chat's.
 */
export async function checkChatRun(rt: CareRuntime, threadId: string, run: RunRequest): Promise<string | undefined> {
  const graphId = (await rt.store.threads.get(threadId))?.metadata.graph_id;
  if (graphId !== undefined && graphId !== CONVERSATION_GRAPH_ID) throw new HttpError(409, "conflict", `thread ${threadId} belongs to the ${String(graphId)} graph`);
  if (run.command) {
    // A person's answer, held to /v1's rules: the claim, and an answer the hand-off can take.
    return checkResume(rt, threadId, run, rt.conversation);
  }
  parseWith(z.object({ input: ChatInput }), { input: run.input ?? {} }, "body");
  return undefined;
}

/** The conversation graph's input as the routes accept it: the standard messages, each text at most 10,000 characters. */
const ChatInput = z.object({
  messages: z
    .array(
      z.union([
        z.string().max(10_000),
        z.looseObject({ role: z.enum(["user", "human"]).optional(), type: z.enum(["human"]).optional(), content: z.union([z.string().max(10_000), z.array(z.unknown()).max(20)]) }),
      ]),
    )
    .min(1, "at least one message")
    .max(20),
});

/**
 * A contact the API may start: its interaction id is new (one id, one contact) and no person owns the
 * conversation. runOnThread checks ownership again; this answers it as a 409 before a stream opens.
 */
export async function checkNewContact(rt: CareRuntime, input: z.infer<typeof CareInput>): Promise<z.infer<typeof CareInput>> {
  if (!(await rt.store.customers.get(input.customer_id))) throw new HttpError(404, "not_found", `customer ${input.customer_id} not found`);
  const id = input.interaction_id;
  if (id && ((await rt.store.interactions.get(id)) || (await rt.store.handoffs.get(id))))
    throw new HttpError(409, "conflict", `interaction ${id} exists already: one id, one contact`);
  if ((await rt.store.ownership.get(input.customer_id)).owner === "human") throw new HttpError(409, "conflict", `a person owns the conversation with ${input.customer_id}`);
  return input;
}
