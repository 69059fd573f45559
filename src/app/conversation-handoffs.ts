import { Command } from "@langchain/langgraph";
import { z } from "zod";
import { ConversationContext } from "../agents/conversation/state.js";
import { applyResponse, handoffConfig } from "../agents/human-review.js";
import { HumanInterrupt, type HumanResponse } from "../domain/human.js";
import { redactPii } from "../domain/pii.js";
import type { Handoff } from "../store/handoffs.js";
import type { Repos } from "../store/ports.js";
import type { CareRuntime, ConversationGraph } from "./care-runtime.js";
import { beginResume, checkClaim, HandoffRefusedError, refusal, ResumeInProgressError, type ResolveError } from "./contacts.js";
import { queueMessage } from "./messages.js";
import { CONVERSATION_GRAPH_ID } from "./runs/graphs.js";
import { submitRun } from "./runs/submit.js";

type Snapshot = Awaited<ReturnType<ConversationGraph["getState"]>>;

/** The interrupts a conversation thread waits on (a person's answer), with their ids. */
export const pendingInterrupts = (s: Snapshot) => s.tasks.flatMap((t) => t.interrupts ?? []);

/**
 * Who a conversation is with, as hand-offs and ownership key it: the customer, or an anonymous visitor by
 * their thread (a visitor has one conversation, and a person must still be able to take it).
 */
export function chatCustomer(context: Pick<ConversationContext, "customer_id">, threadId: string): string {
  return context.customer_id ?? `${VISITOR}${threadId}`;
}

const VISITOR = "visitor:";

/** The thread of an anonymous visitor's customer id (chatCustomer's), or undefined for anyone else. */
export const visitorThread = (customerId: string): string | undefined => (customerId.startsWith(VISITOR) ? customerId.slice(VISITOR.length) : undefined);

/**
 * What a person may answer a conversation hand-off with: the bot drafted nothing (the stored draft is the
 * summary a person reads), so only a reply of their own or letting it go (the interrupt's own config).
 */
export const conversationAnswer = (response: HumanResponse) => applyResponse(response, { config: handoffConfig(null) }, null);

const Request = z.object({ action_request: z.object({ args: z.object({ reason: z.string(), priority: z.number() }) }) });

/**
 * A conversation turn that ended waiting for a person: its hand-off in the people's queue, the conversation
 * theirs, audited; in the caller's transaction, with the thread's status. One hand-off per wait: its id is the
 * thread and the interrupt, so a redelivered run opens it once, and a message the customer sends meanwhile
 * (the graph waits again, on a new interrupt) joins the open one.
 */
export async function openConversationHandoff(tx: Repos, threadId: string, customerId: string, snapshot: Snapshot, channel: string): Promise<void> {
  const pending = pendingInterrupts(snapshot)[0];
  if (!pending) return;
  const open = await tx.handoffs.onThread(threadId);
  if (open?.status === "pending") return;
  const request = z.array(HumanInterrupt.and(Request)).min(1).parse(pending.value)[0]!;
  const { reason, priority } = request.action_request.args;
  const id = `${threadId}:${pending.id ?? "handoff"}`;
  // The request's description is the summary a person reads first: why, what the dialog knows, the customer's last messages (masked by the node).
  await tx.handoffs.open({ interaction_id: id, thread_id: threadId, customer_id: customerId, reason, priority, draft: request.description ?? null, experiment_id: null, graph: CONVERSATION_GRAPH_ID, channel });
  await tx.ownership.escalate(customerId);
  await tx.audit.record("bot", "handoff.opened", customerId, { interaction_id: id, thread_id: threadId, graph: "conversation", reason });
}

/** What a person's answer to a conversation hand-off came to: what the customer gets from them (null: nothing). */
export interface ConversationAnswerOutcome {
  thread_id: string;
  interaction_id: string;
  status: "completed" | "handed_off";
  reply: string | null;
  handoff: Handoff | null;
}

/**
 * A person's answer to a conversation hand-off: the graph resumed (Command resume, Agent Inbox shape), so the
 * answer is the thread's next AI message; then, in one transaction, the hand-off resolved and the answer queued
 * for the customer's channel, keyed on the hand-off so a redelivered run queues it once. The conversation stays
 * the person's until they hand it back. A run executed again after it resumed the graph goes on from there.
 */
export async function resolveConversationHandoff(
  rt: CareRuntime,
  interactionId: string,
  agent: string,
  response: HumanResponse,
  runId: string,
  signal?: AbortSignal,
): Promise<ConversationAnswerOutcome | ResolveError> {
  const h = await rt.store.handoffs.get(interactionId);
  if (!h?.thread_id) return "missing";
  const threadId = h.thread_id;
  const thread = await rt.store.threads.get(threadId);
  // LangGraph types a context key that is optional in the schema as required (as runChat).
  const config = { configurable: { thread_id: threadId }, context: { customer_id: undefined, ...ConversationContext.parse(thread?.metadata.context ?? {}) }, signal };
  const snapshot = await rt.conversation.getState(config);
  // This run resumed the graph before (its worker died after): not answered twice, finished from the checkpoints.
  const resumedByThisRun = thread?.metadata.run_id === runId && pendingInterrupts(snapshot).length === 0;
  // Checked before the graph sees it: a resume value the node refuses would stay recorded on the thread.
  conversationAnswer(response);
  if (!resumedByThisRun) {
    const refused = refusal(h, agent);
    if (refused) return refused;
    if (pendingInterrupts(snapshot).length === 0) return "resolved";
    let release: () => void;
    try {
      release = await beginResume(rt, threadId, agent, (tx) => checkClaim(tx, threadId, agent), runId);
    } catch (e) {
      if (e instanceof ResumeInProgressError) return "in_progress";
      if (e instanceof HandoffRefusedError) return e.reason;
      throw e;
    }
    try {
      await rt.conversation.invoke(new Command({ resume: [response] }), config);
    } catch (e) {
      await failAnswer(rt, threadId, e);
      throw e;
    } finally {
      release();
    }
  } else if (snapshot.next.length > 0) await rt.conversation.invoke(null, config);
  return finishAnswer(rt, threadId, agent, response);
}

/** The bookkeeping of a person's answer once the graph has taken it: recordAnswer, from the thread as it is now. */
export async function finishAnswer(rt: CareRuntime, threadId: string, agent: string, response: HumanResponse): Promise<ConversationAnswerOutcome> {
  const waits = pendingInterrupts(await rt.conversation.getState({ configurable: { thread_id: threadId } })).length > 0;
  return rt.store.transaction(async (tx) => recordAnswer(tx, (await tx.handoffs.onThread(threadId))!, agent, response, waits));
}

/** A person's answer the graph failed to take: still waiting, the hand-off is theirs again; otherwise the thread failed. */
export async function failAnswer(rt: CareRuntime, threadId: string, e: unknown): Promise<void> {
  const waits = pendingInterrupts(await rt.conversation.getState({ configurable: { thread_id: threadId } })).length > 0;
  await rt.store.threads.upsert(threadId, "patch", waits ? { status: "interrupted" } : { status: "failed", error: redactPii(String(e)).slice(0, 300) });
}

/**
 * After the graph took a person's answer (any route): the thread's status, the hand-off resolved and audited
 * once, and the answer queued for the customer's channel, keyed on the hand-off so a run executed again queues
 * it once. In the caller's transaction.
 */
export async function recordAnswer(tx: Repos, h: Handoff, agent: string, response: HumanResponse, waits: boolean): Promise<ConversationAnswerOutcome> {
  const threadId = h.thread_id!;
  const answer = conversationAnswer(response);
  await tx.threads.upsert(threadId, "patch", { status: waits ? "interrupted" : "done" });
  if ((await tx.handoffs.get(h.interaction_id))?.status === "pending") {
    await tx.handoffs.resolve(h.interaction_id, answer.action);
    await tx.audit.record(agent, `handoff.${response.type}`, h.customer_id, { interaction_id: h.interaction_id, thread_id: threadId });
  }
  if (answer.message !== null) {
    await queueMessage(tx, `${h.interaction_id}:answer`, h.customer_id, agent, answer.message);
    const meta = (await tx.threads.get(threadId))?.metadata;
    const context = ConversationContext.parse(meta?.context ?? {});
    await tx.transcript.append([
      { key: `${h.interaction_id}:answer`, line: { thread_id: threadId, customer_id: context.customer_id ?? null, channel: context.channel, author: `person:${agent}`, text: answer.message } },
    ]);
  }
  return { thread_id: threadId, interaction_id: h.interaction_id, status: waits ? "handed_off" : "completed", reply: answer.message, handoff: (await tx.handoffs.get(h.interaction_id)) ?? null };
}

/**
 * A conversation handed back before its person answered: the graph still waits for them, and would keep the bot
 * silent. Each such wait is let go (an `ignore` answer, queued on its thread ahead of the customer's next
 * message), in the hand-back's transaction.
 */
export async function releaseConversationWaits(tx: Repos, customerId: string, agent: string): Promise<void> {
  for (const h of await tx.handoffs.pending()) {
    if (h.customer_id !== customerId || h.claimed_by !== agent || h.graph !== CONVERSATION_GRAPH_ID) continue;
    await submitRun(tx, {
      thread_id: h.thread_id!,
      assistant_id: CONVERSATION_GRAPH_ID,
      multitask_strategy: "enqueue",
      kwargs: { kind: "resolve", interaction_id: h.interaction_id, agent, response: { type: "ignore" } },
    });
  }
}
