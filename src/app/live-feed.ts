import type { z } from "zod";
import { HandoffChange, TranscriptChange } from "../domain/changes.js";
import type { Store } from "../store/ports.js";

/**
 * What a live client hears: a people's hand-off changed, a thread's transcript grew, or `resync`: this client fell
 * behind and events were dropped, so it must read again what it shows (a list, a conversation).
 */
export type LiveEvent = { type: "handoffs"; data: HandoffChange } | { type: "line"; data: TranscriptChange } | { type: "resync" };

export interface LiveSubscription {
  /** The next event; `null` when none came within `waitMs` (time for a heartbeat); `undefined` once closed. */
  next(waitMs: number): Promise<LiveEvent | null | undefined>;
  /** Idempotent. Frees the subscriber at once. */
  close(): void;
}

export interface LiveOptions {
  /** Which events this subscriber wants (a resync always reaches it). Default: all. */
  filter?: (e: Exclude<LiveEvent, { type: "resync" }>) => boolean;
  /** Events held for a client that reads slower than they come; one more and they are dropped for a resync. */
  buffer?: number;
}

/** One per process: the store's signals heard once and fanned out in memory to every live client. */
export interface LiveFeed {
  /** Resolves once the feed hears the store: what is committed after it is delivered. */
  subscribe(o?: LiveOptions): Promise<LiveSubscription>;
  stats(): { subscribers: number; resyncs: number };
  /**
   * Ends every subscription now, and their streams with them (a server shutting down: an SSE connection never
   * goes idle, so it would hold the close; the browsers reconnect to another replica). New ones may follow.
   */
  endAll(): void;
  close(): Promise<void>;
}

/** Enough for a burst of a few seconds at the console's rates; a client further behind reads the page again. */
export const DEFAULT_BUFFER = 256;

/** A client of one thread (a customer's web chat): its hand-off and its lines, never another's. */
export const onlyThread = (threadId: string) => (e: Exclude<LiveEvent, { type: "resync" }>) => e.data.thread_id === threadId;

/**
 * Listens on the store's `handoffs` and `transcript` channels on the first subscription (one LISTEN connection on
 * PostgreSQL however many clients), and keeps listening until closed. On SQLite it hears this process's writes
 * only. Notifications lost while PostgreSQL's listening connection was down are not replayed: once it listens
 * again, every subscriber gets a resync.
 */
export function liveFeed(store: Pick<Store, "listen">, defaults: { buffer?: number } = {}): LiveFeed {
  const subscribers = new Set<Subscriber>();
  let listening: Promise<Array<() => Promise<void>>> | undefined;
  let closed = false;
  let resyncs = 0;

  // Called inside a committing transaction's after-commit hooks on SQLite: it must be quick and never throw.
  const publish = (event: Exclude<LiveEvent, { type: "resync" }>) => {
    for (const s of subscribers) {
      try {
        s.offer(event);
      } catch {
        s.close(); // a filter that throws loses its subscriber, not the writer's commit
      }
    }
  };
  const hear = <T>(schema: z.ZodType<T>, wrap: (data: T) => Exclude<LiveEvent, { type: "resync" }>) =>
    (payload: string) => {
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return; // not ours (another version's signal): nothing to tell
      }
      const parsed = schema.safeParse(json);
      if (parsed.success) publish(wrap(parsed.data));
    };

  const listen = () => {
    // One after the other: on PostgreSQL both LISTENs go down the one connection, which takes a query at a time.
    listening ??= (async () => [
      // Changes missed while PostgreSQL's listening connection was down: every client reads its page again.
      await store.listen("handoffs", hear(HandoffChange, (data) => ({ type: "handoffs", data })), () => {
        for (const s of subscribers) s.resync();
      }),
      await store.listen("transcript", hear(TranscriptChange, (data) => ({ type: "line", data }))),
    ])().catch((e) => {
      listening = undefined; // the next subscriber tries again (PostgreSQL was down)
      throw e;
    });
    return listening;
  };

  return {
    async subscribe(o = {}) {
      if (closed) throw new Error("the live feed is closed");
      await listen();
      const s = subscriber(o.filter, o.buffer ?? defaults.buffer ?? DEFAULT_BUFFER, () => void resyncs++, (me) => void subscribers.delete(me));
      subscribers.add(s);
      return s;
    },
    stats: () => ({ subscribers: subscribers.size, resyncs }),
    endAll: () => [...subscribers].forEach((s) => s.close()),
    async close() {
      closed = true;
      for (const s of [...subscribers]) s.close();
      for (const stop of (await listening?.catch(() => [])) ?? []) await stop();
    },
  };
}

interface Subscriber extends LiveSubscription {
  offer(e: Exclude<LiveEvent, { type: "resync" }>): void;
  /** What it holds is dropped, and it is told to read everything again. */
  resync(): void;
}

function subscriber(filter: LiveOptions["filter"], buffer: number, onResync: () => void, onClose: (s: Subscriber) => void): Subscriber {
  let queue: LiveEvent[] = [];
  let waiting: ((e: LiveEvent | null | undefined) => void) | undefined;
  let closed = false;
  const s: Subscriber = {
    offer(e) {
      if (closed || (filter && !filter(e))) return;
      if (waiting) return waiting(e);
      if (queue.length < buffer) return void queue.push(e);
      // Too far behind. What comes after the resync is still delivered, so a client that catches up misses
      // nothing its page read missed.
      s.resync();
    },
    resync() {
      if (closed) return;
      onResync();
      if (waiting) return waiting({ type: "resync" });
      queue = [{ type: "resync" }];
    },
    next(waitMs) {
      if (queue.length > 0) return Promise.resolve(queue.shift());
      if (closed) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const timer = setTimeout(() => settle(null), waitMs);
        const settle = (e: LiveEvent | null | undefined) => {
          clearTimeout(timer);
          waiting = undefined;
          resolve(e);
        };
        waiting = settle;
      });
    },
    close() {
      if (closed) return;
      closed = true;
      queue = [];
      waiting?.(undefined);
      onClose(s);
    },
  };
  return s;
}
