import { randomUUID } from "node:crypto";
import { Command } from "@langchain/langgraph";
import { CareContext, type CareContextInput } from "../agents/context.js";
import { applyResponse, handoffConfig, sentMessage } from "../agents/human-review.js";
import type { CareStateType } from "../agents/state.js";
import type { HumanResponse } from "../domain/human.js";
import type { Interaction } from "../domain/interaction.js";
import type { Handoff } from "../store/handoffs.js";
import type { CareRuntime } from "./care-runtime.js";

export interface ContactRequest {
  customer_id: string;
  message?: string;
  priority?: number;
  thread_id?: string;
  context?: CareContextInput;
  /** The HTTP request's tracking id, kept in the run's checkpoint metadata. */
  request_id?: string;
}

/** What a caller learns of one contact: what was sent (if anything), or that a person has it now. */
export interface ContactOutcome {
  thread_id: string;
  interaction_id: string;
  status: "completed" | "handed_off";
  /** The message the customer gets now; null when a person must answer first or chose not to. */
  reply: string | null;
  interaction: Interaction | null;
  handoff: Handoff | null;
}

export class ConversationOwnedError extends Error {
  override readonly name = "ConversationOwnedError";
}

function outcomeOf(rt: CareRuntime, threadId: string, state: CareStateType & { __interrupt__?: unknown[] }): ContactOutcome {
  const id = state.interaction_id!;
  const pending = (state.__interrupt__?.length ?? 0) > 0;
  const interaction = rt.deps.interactions.get(id) ?? null;
  return {
    thread_id: threadId,
    interaction_id: id,
    status: pending ? "handed_off" : "completed",
    reply: pending ? null : sentMessage(state.contact.review, state.contact.draft).message,
    interaction,
    handoff: rt.deps.handoffs.get(id) ?? null,
  };
}

/**
 * One contact through the care graph, unless a person owns the conversation: then the bot stays
 * silent. An escalation hands the conversation to people until someone hands it back.
 */
export async function runContact(rt: CareRuntime, req: ContactRequest, signal?: AbortSignal): Promise<ContactOutcome> {
  const owner = rt.ownership.get(req.customer_id);
  if (owner.owner === "human") throw new ConversationOwnedError(`a person (${owner.agent}) owns the conversation with ${req.customer_id}`);
  const threadId = req.thread_id ?? randomUUID();
  const context = CareContext.parse(req.context ?? {});
  // "running" until the graph returns: a process that dies in between leaves it for recoverRuns.
  rt.threads.upsert(threadId, "patch", { graph_id: "care", customer_id: req.customer_id, status: "running", context });
  const state = await rt.graph.invoke(
    { customer_id: req.customer_id, message: req.message, priority: req.priority },
    { configurable: { thread_id: threadId }, context, signal, metadata: { request_id: req.request_id } },
  );
  const out = outcomeOf(rt, threadId, state);
  rt.threads.upsert(threadId, "patch", { status: out.status === "handed_off" ? "interrupted" : "done" });
  if (out.status === "handed_off") {
    // From the escalation on, the bot is silent: the queue owns the conversation until an agent claims it.
    rt.db.transaction(() => {
      rt.ownership.takeOver(req.customer_id, null);
      rt.audit.record("bot", "handoff.opened", req.customer_id, { interaction_id: out.interaction_id, reason: out.handoff?.reason });
    })();
  }
  return out;
}

/**
 * After a crash: every contact whose thread was still running is resumed from its last checkpoint.
 * Nodes before the crash are not repeated (they were checkpointed); the policy update, if it ran,
 * is not applied twice (the policy_updates guard). A run that cannot resume is marked failed.
 */
export async function recoverRuns(rt: CareRuntime, onFailure: (threadId: string, e: unknown) => void = () => undefined) {
  const { threads } = rt.threads.search({ metadata: { status: "running" }, limit: 10_000, offset: 0, sortBy: "created_at", sortOrder: "asc" });
  let resumed = 0;
  let failed = 0;
  for (const t of threads) {
    const config = { configurable: { thread_id: t.thread_id }, context: CareContext.parse(t.metadata.context ?? {}) };
    try {
      const snapshot = await rt.graph.getState(config);
      const waiting = snapshot.tasks.some((task) => (task.interrupts?.length ?? 0) > 0);
      const state = snapshot.next.length === 0 || waiting ? snapshot.values : await rt.graph.invoke(null, config);
      const pending = waiting || ((state as { __interrupt__?: unknown[] }).__interrupt__?.length ?? 0) > 0;
      rt.threads.upsert(t.thread_id, "patch", { status: pending ? "interrupted" : "done", recovered: true });
      resumed++;
    } catch (e) {
      rt.threads.upsert(t.thread_id, "patch", { status: "failed", error: String(e).slice(0, 300) });
      onFailure(t.thread_id, e);
      failed++;
    }
  }
  return { resumed, failed };
}

export type ResolveError = "missing" | "resolved" | "not_claimed" | "taken";

/** A person answers a hand-off they claimed: the graph resumes with their Agent Inbox response. */
export async function resolveHandoff(
  rt: CareRuntime,
  interactionId: string,
  agent: string,
  response: HumanResponse,
  signal?: AbortSignal,
  requestId?: string,
): Promise<ContactOutcome | ResolveError> {
  const h = rt.deps.handoffs.get(interactionId);
  if (!h) return "missing";
  if (h.status === "resolved") return "resolved";
  if (h.claimed_by === null) return "not_claimed";
  if (h.claimed_by !== agent) return "taken";
  applyResponse(response, { config: handoffConfig(h.draft) }, h.draft);
  const threadId = h.thread_id!;
  // The policy namespace of the decision travels in the state; the rest of the context is per run.
  const state = await rt.graph.invoke(new Command({ resume: [response] }), {
    configurable: { thread_id: threadId },
    context: CareContext.parse({}),
    signal,
    metadata: { request_id: requestId },
  });
  rt.audit.record(agent, `handoff.${response.type}`, h.customer_id, { interaction_id: interactionId });
  return outcomeOf(rt, threadId, state);
}
