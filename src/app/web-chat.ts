import { z } from "zod";
import { CarRef } from "../domain/conversation.js";
import type { TranscriptLine } from "../domain/transcript.js";
import type { Store } from "../store/ports.js";
import { conversationThreadId } from "./channels/identity.js";
import { chatCustomer } from "./conversation-handoffs.js";

/**
 * The web chat's thread of a visitor: derived from the secret id their cookie holds (a one-way hash, so a thread
 * id seen anywhere — the console, a log — opens no chat). Anonymous: the graph knows them as `visitor:<thread>`.
 */
export const webChatThread = (chatId: string): string => conversationThreadId(chatId, "web");

/** One thing the customer sees in their conversation, in order. */
export type ChatEntry = { kind: "line"; line: TranscriptLine } | { kind: "cars"; key: string; cars: CarRef[] } | { kind: "joined"; key: string; agent: string };

/** Whether a person is in the conversation: none, asked for and not yet taken, or taken by `agent`. */
export type PersonState = { state: "none" } | { state: "waiting" } | { state: "joined"; agent: string };

/** The notice that a person joined: one per person in a page, wherever it was first sent from. */
export const joined = (agent: string): ChatEntry => ({ kind: "joined", key: `joined:${agent}`, agent });

export interface WebChatView {
  entries: ChatEntry[];
  person: PersonState;
  /** The last transcript line shown: where the next update reads from. */
  last: number;
}

/** A chat run's end as the run's `end` event keeps it, as far as its cards go. */
const TurnCars = z.object({ output: z.object({ cars: z.array(CarRef) }) });

/** A turn's cards: the cars its catalog searches returned, from its run's recorded end (none once the run is pruned). */
export async function turnCars(store: Store, runId: string): Promise<CarRef[]> {
  const end = await store.runEvents.last(runId, "end");
  return TurnCars.safeParse(end?.data).data?.output.cars ?? [];
}

/**
 * The person in the conversation: its hand-off's, while one is open (asked for, or claimed); once answered, the
 * person who owns the conversation until they hand it back.
 */
export async function personState(store: Store, threadId: string): Promise<PersonState> {
  const h = await store.handoffs.onThread(threadId);
  if (h?.status === "pending") return h.claimed_by ? { state: "joined", agent: h.claimed_by } : { state: "waiting" };
  const owner = await store.ownership.get(chatCustomer({}, threadId));
  return owner.owner === "human" && owner.agent ? { state: "joined", agent: owner.agent } : { state: "none" };
}

/**
 * The conversation as the customer reads it: its latest `limit` lines, or those after `afterId` (a live update),
 * each turn's car cards after its bot lines (the customer line's key names its run: `<thread>:<run id>`), and a
 * notice where a person first speaks, or at the end when they took the conversation and have not written yet
 * (keyed by the person: the page shows it once).
 */
export async function webChatView(store: Store, threadId: string, o: { limit: number; afterId?: number }): Promise<WebChatView> {
  const lines = await store.transcript.thread(threadId, o.afterId === undefined ? { latest: o.limit } : { afterId: o.afterId, limit: o.limit });
  const entries: ChatEntry[] = [];
  const spoke = new Set<string>();
  let cards: ChatEntry | undefined;
  const flush = () => void (cards && entries.push(cards), (cards = undefined));
  for (const line of lines) {
    if (line.author === "customer") {
      flush();
      entries.push({ kind: "line", line });
      const runId = line.key.slice(threadId.length + 1);
      const cars = line.key.startsWith(`${threadId}:`) ? await turnCars(store, runId) : [];
      if (cars.length > 0) cards = { kind: "cars", key: `cars:${runId}`, cars };
      continue;
    }
    if (line.author !== "bot") {
      flush();
      const agent = line.author.slice("person:".length);
      if (!spoke.has(agent)) entries.push(joined(agent));
      spoke.add(agent);
    }
    entries.push({ kind: "line", line });
  }
  flush();
  // A person who took the conversation and has not written yet: the notice comes now, at the end.
  const person = await personState(store, threadId);
  if (person.state === "joined" && !spoke.has(person.agent)) entries.push(joined(person.agent));
  return { entries, person, last: lines.at(-1)?.id ?? o.afterId ?? 0 };
}
