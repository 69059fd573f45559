import type { Customer } from "../domain/customer.js";
import type { Turn } from "../domain/conversation.js";
import { z } from "zod";
import { HumanInterrupt } from "../domain/human.js";
import type { Interaction } from "../domain/interaction.js";
import { handoffConfig } from "../agents/human-review.js";
import type { Handoff } from "../store/handoffs.js";
import type { Ownership } from "../store/ownership.js";
import type { CareRuntime } from "./care-runtime.js";
import { visitorThread } from "./conversation-handoffs.js";
import { notesOf, type HandoffNote } from "./handoff-actions.js";
import { CONVERSATION_GRAPH_ID } from "./runs/graphs.js";

/** One line of what was said to and by the customer, whichever table kept it. */
export interface CaseLine {
  at: string;
  author: string;
  channel: string;
  text: string;
}

/** What decided the bot's draft, or its hand-off: as much as the graph kept. */
export interface Decision {
  template: string | null;
  score: Interaction["score"];
  safety_verdict: Interaction["safety_verdict"];
  safety_rules: string[];
  tools: string[];
  intents: string[];
  escalation: string | null;
}

/** Everything a person reads to answer one hand-off. */
export interface HandoffCase {
  handoff: Handoff;
  customer: Customer | null;
  ownership: Ownership;
  lines: CaseLine[];
  /** The bot's draft a person may accept or edit; null when there is none (a conversation hand-off's is its summary). */
  draft: string | null;
  summary: string | null;
  decision: Decision;
  /** The Agent Inbox actions this hand-off takes. */
  allowed: HumanInterrupt["config"];
  notes: HandoffNote[];
}

const LINES = 200;

/** Reads a hand-off's case; undefined when there is no such hand-off. */
export async function handoffCase(rt: CareRuntime, id: string): Promise<HandoffCase | undefined> {
  const s = rt.store;
  const h = await s.handoffs.get(id);
  if (!h) return undefined;
  const conversation = h.graph === CONVERSATION_GRAPH_ID;
  const [customer, ownership, audit, lines, decision, careSummary] = await Promise.all([
    s.customers.get(h.customer_id),
    s.ownership.get(h.customer_id),
    s.audit.list(h.customer_id, 1000),
    caseLines(rt, h),
    conversation ? conversationDecision(rt, h) : careDecision(rt, h.interaction_id),
    conversation ? undefined : careRequest(rt, h),
  ]);
  // A conversation hand-off's stored draft is the summary the graph wrote for the person, not a reply.
  const draft = conversation ? null : h.draft;
  return {
    handoff: h,
    customer: customer ?? null,
    ownership,
    lines,
    draft,
    summary: conversation ? h.draft : (careSummary ?? null),
    decision,
    allowed: handoffConfig(draft),
    notes: notesOf(audit),
  };
}

/**
 * The customer's lines across threads and channels (the transcript); a care customer, whom the transcript does
 * not hold, reads from the channel tables: what they wrote in, and what people sent out.
 */
async function caseLines(rt: CareRuntime, h: Handoff): Promise<CaseLine[]> {
  const s = rt.store;
  const anonymous = visitorThread(h.customer_id) !== undefined;
  const transcript = anonymous && h.thread_id ? await s.transcript.thread(h.thread_id, { limit: LINES }) : (await s.transcript.customer(h.customer_id, LINES)).reverse();
  if (transcript.length > 0) return transcript.map((l) => ({ at: l.created_at, author: l.author, channel: l.channel, text: l.text }));
  const [inbound, outbound, address] = await Promise.all([s.inbound.recent(h.customer_id, LINES), s.outbox.recent(h.customer_id, LINES), s.outbox.address(h.customer_id)]);
  const channel = address?.channel ?? h.channel ?? "api";
  return [
    ...inbound.filter((m) => m.body !== null).map((m) => ({ at: m.received_at, author: "customer", channel, text: m.body! })),
    ...outbound.map((m) => ({ at: m.created_at, author: `person:${m.author}`, channel, text: m.body })),
  ].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * What the care graph's interrupt tells the person (why, the customer, their message, the draft, the judge): it is
 * kept only in the thread's pending task, so it is there while the hand-off waits.
 */
async function careRequest(rt: CareRuntime, h: Handoff): Promise<string | undefined> {
  if (!h.thread_id || h.status !== "pending") return undefined;
  const state = await rt.graph.getState({ configurable: { thread_id: h.thread_id } });
  const value = state.tasks.flatMap((t) => t.interrupts ?? [])[0]?.value;
  const parsed = z.array(HumanInterrupt).min(1).safeParse(value);
  return parsed.success ? parsed.data[0]!.description : undefined;
}

const none: Decision = { template: null, score: null, safety_verdict: null, safety_rules: [], tools: [], intents: [], escalation: null };

/** The care contact's record: the template the policy chose, the judge's score, the safety verdict. */
async function careDecision(rt: CareRuntime, interactionId: string): Promise<Decision> {
  const i = await rt.store.interactions.get(interactionId);
  if (!i) return none;
  return { ...none, template: i.template, score: i.score, safety_verdict: i.safety_verdict, safety_rules: i.safety_rules, escalation: i.escalation_reason };
}

/** The conversation's last turn (intents, tools called, safety rules hit), and the care decision it asked for, if any. */
async function conversationDecision(rt: CareRuntime, h: Handoff): Promise<Decision> {
  if (!h.thread_id) return none;
  const state = await rt.conversation.getState({ configurable: { thread_id: h.thread_id } });
  const turn = (state.values as { turn?: Turn }).turn;
  if (!turn) return none;
  const careCall = turn.tools.find((t) => t.name === "care_decision");
  const careId = (careCall?.result as { interaction_id?: unknown } | undefined)?.interaction_id;
  const care = typeof careId === "string" ? await careDecision(rt, careId) : none;
  return {
    ...care,
    safety_rules: [...new Set([...care.safety_rules, ...turn.safety])],
    tools: turn.tools.map((t) => t.name),
    intents: turn.intents.map(String),
    escalation: turn.escalation?.reason ?? care.escalation,
  };
}
