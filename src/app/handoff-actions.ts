import { ConversationContext } from "../agents/conversation/state.js";
import { applyResponse, handoffConfig } from "../agents/human-review.js";
import { Channel } from "../domain/channel.js";
import type { HumanResponse } from "../domain/human.js";
import { redactPii } from "../domain/pii.js";
import type { AuditEntry } from "../store/audit.js";
import type { ClaimResult, Handoff, InboxFilter } from "../store/handoffs.js";
import type { OutboundMessage } from "../store/outbox.js";
import type { Repos, RunRecord, Store } from "../store/ports.js";
import { refusal } from "./contacts.js";
import { conversationAnswer, releaseConversationWaits, visitorThread } from "./conversation-handoffs.js";
import { queueMessage } from "./messages.js";
import { CONVERSATION_GRAPH_ID } from "./runs/graphs.js";
import { submitRun } from "./runs/submit.js";

/**
 * What a person does with hand-offs and the conversations they own, whichever door they come through: the
 * /v1 API (machines, an agent's name in the body) and the console (the signed-in user). The rules are here once.
 */

/** Why a person's action was refused. `forbidden`: another person's; `missing`: no such thing; the rest: not now. */
export type RefusalKind = "missing" | "forbidden" | "conflict";

/** A person's action the rules refuse; `why` is a stable code a screen words in its own language. */
export class ActionRefusedError extends Error {
  override readonly name = "ActionRefusedError";
  constructor(
    readonly kind: RefusalKind,
    readonly why: string,
    message: string,
  ) {
    super(message);
  }
}

const refuse = (kind: RefusalKind, why: string, message: string) => new ActionRefusedError(kind, why, message);

/** WhatsApp's customer service window: free-form messages only this long after the customer's last message. */
const WHATSAPP_SESSION_MS = 24 * 3600_000;

/**
 * `via`, on the API's doors: the API key that acted for the agent (a machine), kept in the audit entry so it
 * is told apart from the person acting in the console (no `via`).
 */
const viaDetail = (via: string | undefined) => (via === undefined ? {} : { via });

/** The claim, the conversation made the agent's, and the audit entry, together. */
export function claimHandoff(store: Store, id: string, agent: string, via?: string): Promise<ClaimResult> {
  return store.transaction(async (tx) => {
    const r = await tx.handoffs.claim(id, agent);
    if (r === "claimed") await tookOver(tx, (await tx.handoffs.get(id))!, agent, "handoff.claimed", viaDetail(via));
    return r;
  });
}

/** "Take the next one": the oldest of the most urgent unclaimed hand-offs, claimed for `agent` as claimHandoff does. */
export function takeNextHandoff(store: Store, agent: string, filter: Omit<InboxFilter, "claimed" | "agent"> = {}): Promise<Handoff | undefined> {
  return store.transaction(async (tx) => {
    const h = await tx.handoffs.next(agent, filter);
    if (h) await tookOver(tx, h, agent, "handoff.claimed");
    return h;
  });
}

/** The claimant gives the hand-off back to the queue: it waits for anyone, the conversation still a person's. */
export function releaseHandoff(store: Store, id: string, agent: string): Promise<Handoff> {
  return store.transaction(async (tx) => {
    const r = await tx.handoffs.release(id, agent);
    if (r !== "released") throw claimRefusal(r, id);
    const h = (await tx.handoffs.get(id))!;
    // Still escalated, nobody's: handing back to the bot would let it answer a customer who asked for a person.
    await tx.ownership.handBack(h.customer_id);
    await tx.ownership.escalate(h.customer_id);
    await tx.audit.record(agent, "handoff.released", h.customer_id, { interaction_id: id });
    return h;
  });
}

/** The claimant passes the hand-off, and the conversation, to another person. */
export function reassignHandoff(store: Store, id: string, from: string, to: string): Promise<Handoff> {
  return store.transaction(async (tx) => {
    const r = await tx.handoffs.reassign(id, from, to);
    if (r !== "reassigned") throw claimRefusal(r, id);
    const h = (await tx.handoffs.get(id))!;
    await tookOver(tx, h, to, "handoff.reassigned", { from });
    return h;
  });
}

async function tookOver(tx: Repos, h: Handoff, agent: string, action: string, detail: Record<string, unknown> = {}) {
  await tx.ownership.takeOver(h.customer_id, agent);
  await tx.audit.record(agent, action, h.customer_id, { interaction_id: h.interaction_id, ...detail });
}

function claimRefusal(r: "not_yours" | "resolved" | "missing", id: string): ActionRefusedError {
  if (r === "missing") return refuse("missing", "missing", `hand-off ${id} not found`);
  if (r === "resolved") return refuse("conflict", "resolved", `hand-off ${id} is already resolved`);
  return refuse("forbidden", "not_yours", `hand-off ${id} is not claimed by you`);
}

/** The audit action a note is kept as: notes are the hand-off's customer's history, read with it. */
const NOTE = "handoff.note";

/** An internal note on a hand-off, by its claimant (also once answered), masked like every stored text; kept in the audit log. */
export async function addHandoffNote(store: Store, id: string, agent: string, text: string): Promise<void> {
  await store.transaction(async (tx) => {
    const h = await tx.handoffs.get(id);
    if (!h) throw refuse("missing", "missing", `hand-off ${id} not found`);
    // The claim stays on a resolved hand-off: its person may still note what happened next.
    if (h.claimed_by !== agent) throw refuse("forbidden", "not_yours", `only the agent holding hand-off ${id} writes notes on it`);
    await tx.audit.record(agent, NOTE, h.customer_id, { interaction_id: id, text: redactPii(text) });
  });
}

export interface HandoffNote {
  at: string;
  agent: string;
  text: string;
  interaction_id: string;
}

/** The notes on a customer's hand-offs, this one's and earlier ones', oldest first. */
export function notesOf(audit: readonly AuditEntry[]): HandoffNote[] {
  return audit
    .filter((e) => e.action === NOTE)
    .map((e) => ({ at: e.at, agent: e.actor, text: String(e.detail.text ?? ""), interaction_id: String(e.detail.interaction_id ?? "") }));
}

/**
 * Queues a person's answer to hand-off `id` as a `resolve` run of the hand-off's graph, once /v1's rules pass:
 * claimed by `agent`, an answer the hand-off can take (a conversation hand-off's draft is the summary a person
 * reads, not a reply to accept). The run checks the claim again, and is what counts.
 */
export async function submitAnswer(store: Store, id: string, agent: string, response: HumanResponse, requestId?: string, via?: string): Promise<RunRecord> {
  const h = await store.handoffs.get(id);
  const why = refusal(h, agent);
  if (why) throw answerRefusal(id, why);
  if (h!.graph === CONVERSATION_GRAPH_ID) conversationAnswer(response);
  else applyResponse(response, { config: handoffConfig(h!.draft) }, h!.draft);
  return store.transaction(async (tx) => {
    const run = await submitRun(tx, {
      thread_id: h!.thread_id!,
      assistant_id: h!.graph,
      multitask_strategy: "enqueue",
      kwargs: { kind: "resolve", interaction_id: id, agent, response, request_id: requestId },
    });
    await answerQueued(tx, h!.customer_id, id, agent, run.run_id, via);
    return run;
  });
}

/**
 * A machine's answer for an agent, queued: the run records the answer under the agent's name, this entry which
 * API key sent it. Nothing for the console, where the person acts themself.
 */
export async function answerQueued(tx: Repos, customerId: string, interactionId: string | undefined, agent: string, runId: string, via: string | undefined): Promise<void> {
  if (via !== undefined) await tx.audit.record(agent, "handoff.answer_queued", customerId, { interaction_id: interactionId, run_id: runId, via });
}

/** Why a person's answer to hand-off `id` was refused (the same on /v1, the LangGraph routes and the console). */
export function answerRefusal(id: string, why: "missing" | "resolved" | "not_claimed" | "taken" | "in_progress"): ActionRefusedError {
  switch (why) {
    case "missing":
      return refuse("missing", why, `hand-off ${id} not found`);
    case "resolved":
      return refuse("conflict", why, `hand-off ${id} is already resolved`);
    case "not_claimed":
      return refuse("conflict", why, `claim hand-off ${id} before resolving it`);
    case "taken":
      return refuse("conflict", why, `hand-off ${id} is claimed by another agent`);
    case "in_progress":
      return refuse("conflict", why, `hand-off ${id} is being resolved`);
  }
}

/** Where a person's message to a customer lands besides their channel: the conversation graph's thread, if any. */
async function conversationOf(tx: Repos, customerId: string): Promise<{ thread_id: string; channel: Channel; customer_id: string | null } | undefined> {
  // An anonymous visitor is known by their thread (chatCustomer); others by their latest transcript line.
  const threadId = visitorThread(customerId);
  if (threadId !== undefined) {
    const meta = (await tx.threads.get(threadId))?.metadata;
    if (meta?.graph_id !== CONVERSATION_GRAPH_ID) return undefined;
    return { thread_id: threadId, channel: ConversationContext.parse(meta.context ?? {}).channel, customer_id: null };
  }
  const [last] = await tx.transcript.customer(customerId, 1);
  return last && { thread_id: last.thread_id, channel: last.channel, customer_id: customerId };
}

/**
 * A person's free message to a customer whose conversation they own: queued for the customer's channel (when
 * one reaches them) and written into their conversation's transcript (what the web chat and the inbox show).
 * Checked and written in one transaction: the agent cannot lose the conversation in between. `key` makes a
 * retried request one message.
 */
export function sendPersonMessage(store: Store, customerId: string, agent: string, text: string, key: string, via?: string): Promise<OutboundMessage | { thread_id: string }> {
  return store.transaction(async (tx) => {
    const owner = await tx.ownership.get(customerId);
    if (owner.owner !== "human") {
      if (!(await tx.customers.get(customerId)) && !(await conversationOf(tx, customerId))) throw refuse("missing", "missing", `customer ${customerId} not found`);
      throw refuse("conflict", "bot_owns", `the bot owns the conversation with ${customerId}: a person writes only after taking it over`);
    }
    if (owner.agent === null) throw refuse("conflict", "not_claimed", `claim the pending hand-off of ${customerId} before writing to the customer`);
    if (owner.agent !== agent) throw refuse("forbidden", "not_owner", `${owner.agent} owns this conversation`);
    const last = await tx.inbound.lastReceivedAt(customerId);
    const conversation = await conversationOf(tx, customerId);
    // WhatsApp's window only: Telegram and the web chat take a person's message at any time.
    const whatsapp = (await tx.outbox.address(customerId))?.channel === "whatsapp";
    if (whatsapp && last && Date.now() - last.getTime() > WHATSAPP_SESSION_MS)
      throw refuse(
        "conflict",
        "whatsapp_window",
        `WhatsApp takes free-form messages only within 24 hours of the customer's last one (${last.toISOString()}): send an approved template instead`,
      );
    const message = await queueMessage(tx, key, customerId, agent, text, viaDetail(via));
    if (conversation) await tx.transcript.append([{ key, line: { ...conversation, author: `person:${agent}`, text } }]);
    if (message) return message;
    if (conversation) return { thread_id: conversation.thread_id };
    throw refuse("conflict", "no_channel", `no channel reaches ${customerId}: the customer has not written to us on WhatsApp`);
  });
}

/** The conversation back to the bot, by the person who owns it; a conversation graph still waiting for them is let go. */
export function handBackConversation(store: Store, customerId: string, agent: string, via?: string) {
  return store.transaction(async (tx) => {
    const owner = await tx.ownership.get(customerId);
    if (owner.owner !== "human") throw refuse("conflict", "bot_owns", `the bot already owns the conversation with ${customerId}`);
    if (owner.agent === null && (await tx.handoffs.pending()).some((h) => h.customer_id === customerId))
      throw refuse("conflict", "not_claimed", `claim the pending hand-off of ${customerId} before handing it back`);
    if (owner.agent !== null && owner.agent !== agent) throw refuse("forbidden", "not_owner", `only ${owner.agent} can hand this conversation back`);
    await tx.ownership.handBack(customerId);
    await tx.audit.record(agent, "conversation.handback", customerId, viaDetail(via));
    await releaseConversationWaits(tx, customerId, agent);
    return tx.ownership.get(customerId);
  });
}
