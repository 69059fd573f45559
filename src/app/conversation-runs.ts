import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { isCommand } from "@langchain/langgraph";
import { ConversationContext } from "../agents/conversation/state.js";
import type { CarRef, Turn } from "../domain/conversation.js";
import type { TranscriptAuthor } from "../domain/transcript.js";
import { PERSON_MESSAGE_NAME } from "../agents/conversation/handoff.js";
import { AgentName, HumanResume } from "../domain/human.js";
import { redactPii } from "../domain/pii.js";
import type { Repos } from "../store/ports.js";
import type { CareRuntime, ConversationGraph } from "./care-runtime.js";
import { catalogCars } from "./chat-cards.js";
import { chatCustomer, failAnswer, finishAnswer, openConversationHandoff, pendingInterrupts } from "./conversation-handoffs.js";
import { beginResume, checkClaim } from "./contacts.js";
import { withBookkeeping, type Finisher, type StreamOptions } from "./streamed-runs.js";

/** What one message to the conversation graph came to: the bot's reply (every AI message of the turn) and the turn's record. */
export interface ChatOutcome {
  thread_id: string;
  /** Null while the thread waits for a person: the bot says nothing. */
  reply: string | null;
  status: "answered" | "handed_off";
  turn: Pick<Turn, "intents" | "agents"> & { tools: string[] };
  /** The cars the turn's catalog searches returned, as the tool gave them (the web chat shows them as cards). */
  cars: CarRef[];
}

/** A bot message of the turn as the graph writes it (whole: every model call is out of the stream until checked). */
export interface SaidMessage {
  id: string;
  text: string;
}

export interface ChatRequest {
  thread_id: string;
  message: string;
  context: ConversationContext;
  /** The queued run: its id is the customer message's id, so a redelivered run finds its message in the thread. */
  run_id: string;
  /** The turn answers a channel's message, recorded by its webhook. */
  inbound?: boolean;
  signal?: AbortSignal;
  /** Hears each bot message as the graph writes it, before the turn ends (the web chat's stream). */
  onMessage?: (m: SaidMessage) => Promise<void>;
}

type Snapshot = Awaited<ReturnType<ConversationGraph["getState"]>>;

/**
 * One customer message through the conversation graph, on its thread. A run executed again (its worker died)
 * goes on from the thread's checkpoints instead: the message, stored with the run's id, is not added twice,
 * and a turn that had ended is read back, not run again.
 */
export async function runChat(rt: CareRuntime, req: ChatRequest): Promise<ChatOutcome> {
  // LangGraph types a context key that is optional in the schema as required: the schema is what it parses with.
  // metadata.run_id: what a model call's tokens and cost are logged under (the run's tracking id).
  const config = { configurable: { thread_id: req.thread_id }, context: { customer_id: undefined, ...req.context }, signal: req.signal, metadata: { run_id: req.run_id } };
  const customer = chatCustomer(req.context, req.thread_id);
  await markThread(rt.store, req.thread_id, { status: "running", context: req.context, customer_id: req.context.customer_id ?? null });
  try {
    let snapshot = await rt.conversation.getState(config);
    const seen = messagesOf(snapshot).some((m) => m.id === req.run_id);
    // A person has the conversation (claimed, or answered and not yet handed back): the bot says nothing.
    const person = (await rt.store.ownership.get(customer)).owner === "human";
    const message = new HumanMessage({ id: req.run_id, content: req.message });
    // While the graph waits for the person it keeps the message itself (and stays silent); once the person has
    // answered it has no wait to go back to, so the message is only added to the thread.
    if (!seen && person && !waiting(snapshot)) await rt.conversation.updateState(config, { messages: [message] }, "remember");
    else if (!seen) await streamTurn(rt.conversation, { messages: [message] }, config, req.onMessage);
    else if (snapshot.next.length > 0 && !waiting(snapshot)) await streamTurn(rt.conversation, null, config, req.onMessage);
    snapshot = await rt.conversation.getState(config);
    const outcome = chatOutcome(req.thread_id, snapshot, req.run_id);
    await rt.store.transaction(async (tx) => {
      await finishChat(tx, req.thread_id, customer, snapshot, req.context, req.run_id);
      // What the person reads with the conversation: a channel's message is recorded by its webhook.
      if (person && !req.inbound) await recordForPerson(tx, `chat:${req.run_id}`, customer, req.thread_id, req.message);
    });
    return person ? { ...outcome, reply: null, status: "handed_off" } : outcome;
  } catch (e) {
    await markThread(rt.store, req.thread_id, { status: "failed", error: redactPii(String(e)).slice(0, 300) }).catch(() => undefined);
    throw e;
  }
}

/**
 * Runs the graph to its next stop, handing each bot message to `onMessage` as a node writes it (the graph's
 * `updates` stream; the same run as `invoke`). The person's answers are theirs, not the bot's: not handed on.
 */
async function streamTurn(graph: ConversationGraph, input: { messages: BaseMessage[] } | null, config: object, onMessage?: (m: SaidMessage) => Promise<void>): Promise<void> {
  const updates = (await graph.stream(input, { ...config, streamMode: "updates" })) as AsyncIterable<Record<string, { messages?: unknown } | undefined>>;
  for await (const update of updates) {
    if (!onMessage) continue;
    for (const out of Object.values(update)) {
      const written = out?.messages;
      for (const m of Array.isArray(written) ? written : [written]) {
        if (AIMessage.isInstance(m) && m.id !== undefined && m.text.trim() !== "" && m.name !== PERSON_MESSAGE_NAME) await onMessage({ id: m.id, text: m.text });
      }
    }
  }
}

/**
 * A turn's end, in the caller's transaction: its lines in the transcript, the thread's status, and a wait for a
 * person opened as a hand-off.
 */
async function finishChat(tx: Repos, threadId: string, customer: string, snapshot: Snapshot, context: ConversationContext, messageId?: string): Promise<void> {
  await recordTurn(tx, threadId, snapshot, context, messageId);
  await markThread(tx, threadId, { status: waiting(snapshot) ? "interrupted" : "done" });
  await openConversationHandoff(tx, threadId, customer, snapshot);
}

/** A customer's message a person has to read (there is no channel message for it): kept as the conversation's inbound. */
async function recordForPerson(tx: Repos, key: string, customer: string, threadId: string, body: string): Promise<void> {
  if (!(await tx.inbound.claim(key, customer, threadId, body))) await tx.inbound.finish(key, "human", null);
}

/** The thread's bookkeeping, as the routes read it (a search by status, who the thread is for). */
async function markThread(repos: Repos, threadId: string, metadata: Record<string, unknown>): Promise<void> {
  await repos.threads.upsert(threadId, "patch", { graph_id: "conversation", assistant_id: "conversation", ...metadata });
}

/**
 * The turn's lines into the transcript: the customer's message (`messageId`, else the thread's last) and every
 * AI message after it, keyed by message id (LangGraph gives each one), so a turn recorded again adds nothing.
 */
async function recordTurn(repos: Repos, threadId: string, snapshot: Snapshot, context: ConversationContext, messageId?: string): Promise<void> {
  const messages = messagesOf(snapshot);
  const from = turnStart(messages, messageId);
  if (from < 0) return;
  const line = (author: TranscriptAuthor, text: string) => ({ thread_id: threadId, customer_id: context.customer_id ?? null, channel: context.channel, author, text });
  const customer = messages[from]!;
  // A person's answer is recorded with their name where it is taken (recordAnswer); the rest is the bot's.
  const said = messages.slice(from + 1).filter((m) => AIMessage.isInstance(m) && m.text.trim() !== "" && m.name !== PERSON_MESSAGE_NAME);
  await repos.transcript.append([
    { key: `${threadId}:${customer.id ?? messageId}`, line: line("customer", customer.text) },
    ...said.map((m, i) => ({ key: `${threadId}:${m.id ?? `${customer.id}:${i}`}`, line: line("bot", m.text) })),
  ]);
}

/** Where the turn of `messageId` starts: that message, or the thread's last customer message. */
function turnStart(messages: BaseMessage[], messageId?: string): number {
  let from = messageId === undefined ? -1 : messages.findIndex((m) => m.id === messageId);
  if (from < 0) messages.forEach((m, i) => void (HumanMessage.isInstance(m) && (from = i)));
  return from;
}

const messagesOf = (s: Snapshot): BaseMessage[] => ((s.values as { messages?: BaseMessage[] }).messages ?? []);
const waiting = (s: Snapshot) => pendingInterrupts(s).length > 0;

/** The turn of the message `messageId`: the AI messages after it, and the state's turn record. */
export function chatOutcome(threadId: string, snapshot: Snapshot, messageId?: string): ChatOutcome {
  const messages = messagesOf(snapshot);
  const from = turnStart(messages, messageId);
  const said = messages.slice(from + 1).filter((m) => AIMessage.isInstance(m)).map((m) => m.text).filter((t) => t.trim() !== "");
  const turn = (snapshot.values as { turn?: Turn }).turn;
  const handedOff = waiting(snapshot);
  return {
    thread_id: threadId,
    // The transition message ("te comunico con una persona") is said before the hand-off waits.
    reply: said.length > 0 ? said.join("\n\n") : null,
    status: handedOff ? "handed_off" : "answered",
    turn: { intents: turn?.intents ?? [], agents: turn?.agents ?? [], tools: (turn?.tools ?? []).map((t) => t.name) },
    cars: catalogCars(turn?.tools ?? []),
  };
}

/**
 * The conversation graph as the LangGraph routes run it: the thread marked running, then interrupted (it waits
 * for a person) or done, or failed, as runChat marks it for /v1 and the channels.
 */
export function bookkeptConversation(rt: CareRuntime): ConversationGraph {
  return withBookkeeping(
    rt.conversation,
    async (threadId, input, options) => {
      if (isCommand(input)) return beginAnswer(rt, threadId, input.resume, options);
      const context = ConversationContext.parse(options?.context ?? {});
      await markThread(rt.store, threadId, { status: "running", context, customer_id: context.customer_id ?? null });
      return {
        finish: async (id) => {
          const snapshot = await rt.conversation.getState({ configurable: { thread_id: id } });
          await rt.store.transaction((tx) => finishChat(tx, id, chatCustomer(context, id), snapshot, context));
        },
        fail: (id, e) => markThread(rt.store, id, { status: "failed", error: redactPii(String(e)).slice(0, 300) }),
      };
    },
    // A person's answer runs in the context the conversation had, as on /v1, not in one the caller sends.
    async (threadId, input, given) => (isCommand(input) ? { ...given, context: (await rt.store.threads.get(threadId))?.metadata.context ?? {} } : given),
  );
}

/**
 * A person's answer over the LangGraph routes (Command resume): as on /v1, only the agent holding the hand-off's
 * claim (the run's metadata names them) answers, one answer at a time; once the graph has taken it, the same
 * bookkeeping as /v1's (the hand-off resolved, the answer queued for the customer's channel).
 */
async function beginAnswer(rt: CareRuntime, threadId: string, resume: unknown, options: StreamOptions): Promise<Finisher> {
  const agent = AgentName.parse(options?.metadata?.agent);
  const response = HumanResume.parse(resume);
  const runId = typeof options?.metadata?.run_id === "string" ? options.metadata.run_id : undefined;
  await checkClaim(rt.store, threadId, agent);
  const release = await beginResume(rt, threadId, agent, (tx) => checkClaim(tx, threadId, agent), runId);
  const settle = (work: Promise<unknown>) => work.then(() => undefined).finally(release);
  return {
    finish: (id) => settle(finishAnswer(rt, id, agent, response)),
    fail: (id, e) => settle(failAnswer(rt, id, e)),
  };
}
