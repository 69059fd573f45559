import type { TranscriptLine } from "../domain/transcript.js";
import type { ConversationTargets } from "../store/assets.js";
import type { Handoff } from "../store/handoffs.js";
import type { Store } from "../store/ports.js";
import type { ModelCallLedger } from "./model-calls-log.js";

/**
 * The conversation graph's KPIs, from its transcript, its hand-offs and the model calls' cost log.
 *
 * - A **conversation** is a thread of the transcript in which the customer wrote at least once.
 * - **Escalated**: a hand-off was opened on the thread, or a person wrote in it.
 * - **Resolved without a person**: not escalated, and the bot had the last word (a customer message left
 *   unanswered, by a failed or unfinished run, is not resolved).
 * - **First-contact resolution**: resolved without a person after the customer's first message alone (one
 *   customer message in the thread).
 * - **Escalation rate**: escalated conversations over all conversations.
 * - **Messages to resolve** ("average turns"): the customer's messages in a conversation resolved without a
 *   person, averaged over those conversations (null when none was).
 * - **Cost per conversation**: the model spend (US dollars) of the runs of the conversations, over the
 *   conversations; null when the process keeps no cost log, or a call was made to a model with no known price.
 *   Offline (no model calls) it is 0.
 *
 * Every rate is over the latest `limit` conversations, so the console reads a recent window, not all history.
 */
export interface ConversationKpis {
  conversations: number;
  resolution_without_person: number | null;
  first_contact_resolution: number | null;
  escalation_rate: number | null;
  messages_to_resolve: number | null;
  cost_per_conversation_usd: number | null;
}

export interface ConversationFacts {
  lines: readonly Pick<TranscriptLine, "author">[];
  handoff: boolean;
  /** null: unknown. */
  cost_usd: number | null;
}

export function conversationKpis(conversations: readonly ConversationFacts[]): ConversationKpis {
  const talks = conversations.filter((c) => c.lines.some((l) => l.author === "customer"));
  const n = talks.length;
  const rate = (k: number) => (n ? k / n : null);
  const customerMessages = (c: ConversationFacts) => c.lines.filter((l) => l.author === "customer").length;
  const escalated = new Set(talks.filter((c) => c.handoff || c.lines.some((l) => l.author.startsWith("person:"))));
  const resolved = talks.filter((c) => !escalated.has(c) && c.lines.at(-1)?.author === "bot");
  const costs = talks.map((c) => c.cost_usd);
  return {
    conversations: n,
    resolution_without_person: rate(resolved.length),
    first_contact_resolution: rate(resolved.filter((c) => customerMessages(c) === 1).length),
    escalation_rate: rate(escalated.size),
    messages_to_resolve: resolved.length ? resolved.reduce((a, c) => a + customerMessages(c), 0) / resolved.length : null,
    cost_per_conversation_usd: n && costs.every((x) => x !== null) ? costs.reduce((a: number, x) => a + x!, 0) / n : null,
  };
}

export type KpiVerdict = "met" | "missed" | "no_data";
export type KpiName = Exclude<keyof ConversationKpis, "conversations">;

/** Each KPI against its target: rates that should be high are met at or above, the rest at or below. */
export function againstTargets(k: ConversationKpis, t: ConversationTargets): Array<{ kpi: KpiName; value: number | null; target: number; at_least: boolean; verdict: KpiVerdict }> {
  const rows: Array<[KpiName, number, boolean]> = [
    ["resolution_without_person", t.resolution_without_person, true],
    ["first_contact_resolution", t.first_contact_resolution, true],
    ["escalation_rate", t.escalation_rate_max, false],
    ["messages_to_resolve", t.messages_to_resolve_max, false],
    ["cost_per_conversation_usd", t.cost_per_conversation_usd_max, false],
  ];
  return rows.map(([kpi, target, atLeast]) => {
    const value = k[kpi];
    const verdict: KpiVerdict = value === null ? "no_data" : (atLeast ? value >= target : value <= target) ? "met" : "missed";
    return { kpi, value, target, at_least: atLeast, verdict };
  });
}

/** The latest `limit` conversations' KPIs, read from the store; spend from `ledger` (no ledger: cost unknown). */
export async function recentConversationKpis(store: Pick<Store, "transcript" | "handoffs" | "runs">, ledger: ModelCallLedger | undefined, limit = 500): Promise<ConversationKpis> {
  const lines = await store.transcript.recentThreads(limit);
  const byThread = new Map<string, TranscriptLine[]>();
  for (const l of lines) {
    const thread = byThread.get(l.thread_id);
    if (thread) thread.push(l);
    else byThread.set(l.thread_id, [l]);
  }
  const handoffs = new Set((await store.handoffs.onThreads([...byThread.keys()])).map((h: Handoff) => h.thread_id));
  const facts: ConversationFacts[] = [];
  for (const [thread, threadLines] of byThread)
    facts.push({ lines: threadLines, handoff: handoffs.has(thread), cost_usd: ledger ? await threadCost(store, ledger, thread) : null });
  return conversationKpis(facts);
}

/** A thread's spend: its queued runs' (tracking id = run id), and calls tracked by the thread itself (a run outside the queue). */
async function threadCost(store: Pick<Store, "runs">, ledger: ModelCallLedger, threadId: string): Promise<number | null> {
  // No model call at all (offline models): nothing was spent, and no run needs looking up.
  if (ledger.size === 0) return 0;
  const ids = [threadId, ...(await store.runs.list(threadId, { limit: 1000, offset: 0 })).map((r) => r.run_id)];
  let sum = 0;
  for (const id of ids) {
    const c = ledger.cost(id);
    if (c === null) return null;
    sum += c ?? 0;
  }
  return sum;
}
