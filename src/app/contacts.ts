import { randomUUID } from "node:crypto";
import { Command } from "@langchain/langgraph";
import { CareContext, type CareContextInput } from "../agents/context.js";
import { applyResponse, handoffConfig, sentMessage } from "../agents/human-review.js";
import type { CareStateType } from "../agents/state.js";
import type { HumanResponse } from "../domain/human.js";
import { redactPii } from "../domain/pii.js";
import type { Interaction } from "../domain/interaction.js";
import type { Handoff } from "../store/handoffs.js";
import type { Repos } from "../store/ports.js";
import type { CareRuntime } from "./care-runtime.js";
import { queueMessage } from "./messages.js";

export interface ContactRequest {
  customer_id: string;
  message?: string;
  priority?: number;
  thread_id?: string;
  context?: CareContextInput;
  /** The HTTP request's tracking id, kept with the interaction. */
  request_id?: string;
  /** The queued run executing it: a second execution of the same run goes on from its checkpoints. */
  run_id?: string;
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

export type RunState = CareStateType & { __interrupt__?: unknown[] };

/**
 * Before a contact runs on a thread: a conversation a person owns gets no bot run, and the thread is
 * marked "running" until the graph returns, so a process that dies in between leaves it for recoverThread (the queue's redelivery).
 */
export function beginRun(rt: CareRuntime, threadId: string, customerId: string, context: CareContext, runId?: string): Promise<void> {
  // One transaction: of two contacts starting on one thread, the second sees the first's "running".
  return rt.store.transaction(async (tx) => {
    const owner = await tx.ownership.get(customerId);
    if (owner.owner === "human") throw new ConversationOwnedError(`a person (${owner.agent ?? "the hand-off queue"}) owns the conversation with ${customerId}`);
    await checkThreadFree(tx, threadId, customerId);
    // run_id: the queued run this contact is, so that run executed again once the contact is over reads it back.
    await tx.threads.upsert(threadId, "patch", { graph_id: "care", customer_id: customerId, status: "running", context, resumed_by: null, run_id: runId ?? null });
  });
}

export class ThreadInUseError extends Error {
  override readonly name = "ThreadInUseError";
}

/**
 * One thread is one contact: a thread whose run is under way or waits for a person takes no new contact
 * (it would drop the waiting hand-off) and is not deleted; nor does one holding another customer's contact
 * (a person's reply would go to the wrong customer). A failed run may be run again for its own customer.
 */
export async function checkThreadFree(repos: Repos, threadId: string, customerId?: string): Promise<void> {
  const { status, customer_id } = (await repos.threads.get(threadId))?.metadata ?? {};
  if (status === "running") throw new ThreadInUseError(`thread ${threadId} has a run in progress`);
  if (status === "interrupted") throw new ThreadInUseError(`thread ${threadId} waits for a person: answer its hand-off (POST /v1/handoffs/{id}/resolve)`);
  if (customerId !== undefined && customer_id !== undefined && customer_id !== customerId)
    throw new ThreadInUseError(`thread ${threadId} holds a contact with another customer: start a new thread`);
}

/** Failed or abandoned: not to be finished by a later start (nobody would deliver its reply). */
export async function failRun(rt: CareRuntime, threadId: string, e: unknown): Promise<void> {
  // An error may quote what it failed on (a provider's answer, a customer's text): stored like every other text, masked.
  await rt.store.threads.upsert(threadId, "patch", { status: "failed", error: redactPii(String(e)).slice(0, 300) });
}

/**
 * failRun for a contact's run that errored or lost its caller, unless it had already reached a person: then
 * its hand-off is open and the conversation theirs, whoever was there to hear it.
 */
export async function failContact(rt: CareRuntime, threadId: string, customerId: string, e: unknown): Promise<void> {
  const saved = await savedRunState(rt, threadId).catch(() => undefined);
  if (saved && (saved.state.__interrupt__?.length ?? 0) > 0) await finishRun(rt, threadId, customerId, saved.state);
  else await failRun(rt, threadId, e);
}

/**
 * A thread's saved state as invoke would have returned it, with the interrupts it waits on. Done means
 * waiting for a person or finished, and finished means logged: every path to END goes through
 * policy_update. An empty `next` alone is not enough, it is also what a step whose writes were saved
 * before the next checkpoint looks like (its task has run, so it is not listed).
 */
export async function savedRunState(rt: CareRuntime, threadId: string): Promise<{ state: RunState; done: boolean }> {
  const snapshot = await rt.graph.getState({ configurable: { thread_id: threadId } });
  const waiting = snapshot.tasks.flatMap((task) => task.interrupts ?? []);
  const values = snapshot.values as CareStateType;
  return { state: { ...values, __interrupt__: waiting }, done: waiting.length > 0 || (snapshot.next.length === 0 && values.contact?.outcome !== undefined) };
}

/**
 * After a run (or its recovery): the thread's status, and on an escalation the conversation passes to
 * people. If a person took the conversation while the contact ran, the bot's reply is withheld.
 */
export function finishRun(rt: CareRuntime, threadId: string, customerId: string, state: RunState): Promise<ContactOutcome> {
  return rt.store.transaction((tx) => finishRunIn(tx, threadId, customerId, state));
}

/** finishRun inside the caller's transaction: the status, the escalation and its audit commit together. */
async function finishRunIn(tx: Repos, threadId: string, customerId: string, state: RunState): Promise<ContactOutcome> {
  const id = state.interaction_id!;
  const pending = (state.__interrupt__?.length ?? 0) > 0;
  await tx.threads.upsert(threadId, "patch", { status: pending ? "interrupted" : "done" });
  if (pending) {
    await tx.ownership.escalate(customerId);
    await tx.audit.record("bot", "handoff.opened", customerId, { interaction_id: id, reason: state.contact.escalation?.reason });
  }
  const { reply, withheld } = await replyOf(tx, customerId, state);
  if (withheld) await tx.audit.record("bot", "reply.withheld", customerId, { interaction_id: id });
  return outcomeOf(tx, threadId, state, reply);
}

/** The bot's reply to a finished contact: none while it waits for a person, withheld (unreviewed) once a person owns the conversation. */
async function replyOf(repos: Repos, customerId: string, state: RunState): Promise<{ reply: string | null; withheld: boolean }> {
  if ((state.__interrupt__?.length ?? 0) > 0) return { reply: null, withheld: false };
  const reply = sentMessage(state.contact.review, state.contact.draft).message;
  const withheld = reply !== null && !state.contact.review && (await repos.ownership.get(customerId)).owner === "human";
  return { reply: withheld ? null : reply, withheld };
}

async function outcomeOf(repos: Repos, threadId: string, state: RunState, reply: string | null): Promise<ContactOutcome> {
  const id = state.interaction_id!;
  return {
    thread_id: threadId,
    interaction_id: id,
    status: (state.__interrupt__?.length ?? 0) > 0 ? "handed_off" : "completed",
    reply,
    interaction: (await repos.interactions.get(id)) ?? null,
    handoff: (await repos.handoffs.get(id)) ?? null,
  };
}

/**
 * One contact through the care graph, unless a person owns the conversation: then the bot stays
 * silent. An escalation hands the conversation to people until someone hands it back.
 */
export async function runContact(rt: CareRuntime, req: ContactRequest, signal?: AbortSignal): Promise<ContactOutcome> {
  return (await runOnThread(rt, req, signal)).outcome;
}

/** runContact's work, with the graph's final state too (what the LangGraph-compatible API answers). */
export async function runOnThread(
  rt: CareRuntime,
  req: ContactRequest & { interaction_id?: string },
  signal?: AbortSignal,
): Promise<{ state: RunState; outcome: ContactOutcome }> {
  const threadId = req.thread_id ?? randomUUID();
  const context = CareContext.parse(req.context ?? {});
  await beginRun(rt, threadId, req.customer_id, context, req.run_id);
  let state: RunState;
  try {
    state = await rt.graph.invoke(
      { customer_id: req.customer_id, message: req.message, priority: req.priority, interaction_id: req.interaction_id },
      { configurable: { thread_id: threadId }, context, signal, metadata: { request_id: req.request_id, run_id: req.run_id } },
    );
  } catch (e) {
    await failContact(rt, threadId, req.customer_id, e);
    throw e;
  }
  return { state, outcome: await finishRun(rt, threadId, req.customer_id, state) };
}

export class ResumeInProgressError extends Error {
  override readonly name = "ResumeInProgressError";
}

/** A person's answer that /v1's rules refuse (see refusal). */
export class HandoffRefusedError extends Error {
  override readonly name = "HandoffRefusedError";
  constructor(
    readonly reason: Exclude<ResolveError, "in_progress">,
    readonly interactionId: string,
  ) {
    super(`hand-off ${interactionId}: ${reason}`);
  }
}

/** /v1's rule for answering a hand-off, whichever route the answer takes: claimed first, and by this agent. */
export function refusal(h: Handoff | undefined, agent: string): Exclude<ResolveError, "in_progress"> | undefined {
  if (!h) return "missing";
  if (h.status === "resolved") return "resolved";
  if (h.claimed_by === null) return "not_claimed";
  if (h.claimed_by !== agent) return "taken";
  return undefined;
}

/** Throws unless `agent` holds the claim on the hand-off the thread waits on. */
export async function checkClaim(repos: Repos, threadId: string, agent: string): Promise<void> {
  const h = await repos.handoffs.onThread(threadId);
  const reason = refusal(h, agent);
  if (reason) throw new HandoffRefusedError(reason, h?.interaction_id ?? threadId);
}

/**
 * Before a person's answer resumes a thread: one resume at a time, and the thread marked running with who
 * resumed it, so that a process dying before the answer is queued leaves it to recoverThread, which queues it.
 * `recheck` runs in the transaction that marks it, after this resume is the only one: what the caller
 * checked before may have changed while it awaited.
 */
export async function beginResume(rt: CareRuntime, threadId: string, actor: string, recheck: (tx: Repos) => Promise<void>, runId?: string): Promise<() => void> {
  if (rt.resuming.has(threadId)) throw new ResumeInProgressError(`thread ${threadId} is being resumed`);
  rt.resuming.add(threadId);
  const release = () => void rt.resuming.delete(threadId);
  try {
    await rt.store.transaction(async (tx) => {
      await recheck(tx);
      await tx.threads.upsert(threadId, "patch", { status: "running", resumed_by: actor, run_id: runId ?? null });
    });
  } catch (e) {
    release();
    throw e;
  }
  return release;
}

/** A resume that failed: if the thread still waits for a person it is theirs again, otherwise failed. */
export async function failResume(rt: CareRuntime, threadId: string, e: unknown): Promise<void> {
  const saved = await savedRunState(rt, threadId).catch(() => undefined);
  if (saved && (saved.state.__interrupt__?.length ?? 0) > 0) await rt.store.threads.upsert(threadId, "patch", { status: "interrupted" });
  else await failRun(rt, threadId, e);
}

/** A resume's bookkeeping once the resumed graph has returned (a streamed resume's, see streamed-runs.ts). */
export async function finishResume(rt: CareRuntime, threadId: string, state: RunState, actor: string): Promise<ContactOutcome> {
  const customerId = String((await rt.store.threads.get(threadId))?.metadata.customer_id ?? state.customer_id);
  await rt.store.audit.record(actor, "handoff.resumed", customerId, { interaction_id: state.interaction_id, thread_id: threadId });
  return finishAnswered(rt, threadId, customerId, state, actor);
}

/**
 * finishRun for a run a person's answer resumed, and that answer queued for the customer's channel (the
 * webhook that escalated answered nothing), in one transaction: the thread is never done without it.
 */
function finishAnswered(rt: CareRuntime, threadId: string, customerId: string, state: RunState, author: string): Promise<ContactOutcome> {
  return rt.store.transaction(async (tx) => {
    const outcome = await finishRunIn(tx, threadId, customerId, state);
    // Keyed on the contact: the same resume executed again (its run redelivered) queues the answer once.
    if (outcome.reply !== null) await queueMessage(tx, `${threadId}:${state.interaction_id}:answer`, customerId, author, outcome.reply);
    return outcome;
  });
}

/**
 * Finishes the run a thread was left running by a process that died: from its last checkpoint (nodes
 * saved before the crash are not repeated; the policy update, if it ran, is not applied twice: the
 * policy_updates guard), then the bookkeeping its run would have done. Undefined when the thread is not
 * running, or its run died before the first checkpoint (then it is marked failed, and may run afresh).
 */
export async function recoverThread(rt: CareRuntime, threadId: string): Promise<{ state: RunState; outcome: ContactOutcome } | undefined> {
  const t = await rt.store.threads.get(threadId);
  if (t?.metadata.status !== "running") return undefined;
  const config = { configurable: { thread_id: threadId }, context: CareContext.parse(t.metadata.context ?? {}) };
  const snapshot = await rt.graph.getState(config);
  if (!snapshot.config.configurable?.checkpoint_id) {
    await failRun(rt, threadId, "interrupted before its first step");
    return undefined;
  }
  const saved = await savedRunState(rt, threadId);
  const state: RunState = saved.done ? saved.state : await rt.graph.invoke(null, config);
  const customerId = String(t.metadata.customer_id);
  const outcome =
    typeof t.metadata.resumed_by === "string"
      ? await finishAnswered(rt, threadId, customerId, state, t.metadata.resumed_by)
      : await finishRun(rt, threadId, customerId, state);
  await rt.store.threads.upsert(threadId, "patch", { recovered: true });
  return { state, outcome };
}

/**
 * A contact that queued run `runId` already took to its end (its worker died before recording the run's
 * end): its outcome read back, nothing run or written again. Undefined unless that run's contact is over.
 */
export async function finishedRun(rt: CareRuntime, threadId: string, runId: string): Promise<{ state: RunState; outcome: ContactOutcome } | undefined> {
  const t = await rt.store.threads.get(threadId);
  if (t?.metadata.run_id !== runId || (t.metadata.status !== "done" && t.metadata.status !== "interrupted")) return undefined;
  const saved = await savedRunState(rt, threadId);
  if (!saved.done) return undefined;
  const { reply } = await replyOf(rt.store, String(t.metadata.customer_id), saved.state);
  return { state: saved.state, outcome: await outcomeOf(rt.store, threadId, saved.state, reply) };
}

/** After a crash: every contact whose thread was still running is finished (recoverThread); one that cannot be is marked failed. */
export async function recoverRuns(rt: CareRuntime, onFailure: (threadId: string, e: unknown) => void = () => undefined) {
  const { threads } = await rt.store.threads.search({ metadata: { status: "running" }, limit: 10_000, offset: 0, sortBy: "created_at", sortOrder: "asc" });
  let resumed = 0;
  let failed = 0;
  for (const t of threads) {
    try {
      if (await recoverThread(rt, t.thread_id)) resumed++;
      else failed++;
    } catch (e) {
      await failRun(rt, t.thread_id, e);
      onFailure(t.thread_id, e);
      failed++;
    }
  }
  return { resumed, failed };
}

export type ResolveError = "missing" | "resolved" | "not_claimed" | "taken" | "in_progress";

export async function resolveHandoff(
  rt: CareRuntime,
  interactionId: string,
  agent: string,
  response: HumanResponse,
  signal?: AbortSignal,
  requestId?: string,
  runId?: string,
): Promise<ContactOutcome | ResolveError> {
  const h = await rt.store.handoffs.get(interactionId);
  if (!h) return "missing";
  const refused = refusal(h, agent);
  if (refused) return refused;
  applyResponse(response, { config: handoffConfig(h.draft) }, h.draft);
  const threadId = h.thread_id!;
  let release: () => void;
  try {
    release = await beginResume(
      rt,
      threadId,
      agent,
      async (tx) => {
        const reason = refusal(await tx.handoffs.get(interactionId), agent);
        if (reason) throw new HandoffRefusedError(reason, interactionId);
      },
      runId,
    );
  } catch (e) {
    if (e instanceof ResumeInProgressError) return "in_progress";
    if (e instanceof HandoffRefusedError) return e.reason;
    throw e;
  }
  try {
    const context = CareContext.parse((await rt.store.threads.get(threadId))?.metadata.context ?? {});
    const state: RunState = await rt.graph.invoke(new Command({ resume: [response] }), {
      configurable: { thread_id: threadId },
      context,
      signal,
      metadata: { request_id: requestId },
    });
    await rt.store.audit.record(agent, `handoff.${response.type}`, h.customer_id, { interaction_id: interactionId });
    return finishAnswered(rt, threadId, h.customer_id, state, agent);
  } catch (e) {
    await failResume(rt, threadId, e);
    throw e;
  } finally {
    release();
  }
}
