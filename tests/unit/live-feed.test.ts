import { describe, expect, it } from "vitest";
import { liveFeed, onlyThread, type LiveSubscription } from "../../src/app/live-feed.js";
import type { SignalChannel } from "../../src/store/ports.js";

/** A store's listen in memory, counting the listeners it holds per channel. */
function fakeStore() {
  const listeners = new Map<SignalChannel, Set<(p: string) => void>>();
  const gaps = new Set<() => void>();
  return {
    listening: (channel: SignalChannel) => listeners.get(channel)?.size ?? 0,
    send: (channel: SignalChannel, payload: unknown) => listeners.get(channel)?.forEach((l) => l(typeof payload === "string" ? payload : JSON.stringify(payload))),
    /** PostgreSQL's listening connection broke and listens again. */
    gap: () => gaps.forEach((g) => g()),
    async listen(channel: SignalChannel, l: (p: string) => void, onGap?: () => void) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
      if (onGap) gaps.add(onGap);
      return async () => {
        listeners.get(channel)!.delete(l);
        if (onGap) gaps.delete(onGap);
      };
    },
  };
}

const opened = (id: string, thread: string) => ({ interaction_id: id, what: "opened", thread_id: thread, customer_id: "c-1" });
/** Whatever the subscription holds now (it waits for nothing). */
async function drain(s: LiveSubscription) {
  const got = [];
  for (let e = await s.next(0); e; e = await s.next(0)) got.push(e);
  return got;
}

describe("live feed", () => {
  it("hears the store once however many subscribe, and gives every subscriber every change", async () => {
    const store = fakeStore();
    const feed = liveFeed(store);
    const subs = await Promise.all(Array.from({ length: 150 }, () => feed.subscribe()));
    expect(store.listening("handoffs")).toBe(1);
    expect(store.listening("transcript")).toBe(1);
    store.send("handoffs", opened("h-1", "t-1"));
    store.send("transcript", { thread_id: "t-1", customer_id: null });
    for (const s of subs)
      expect(await drain(s)).toEqual([
        { type: "handoffs", data: opened("h-1", "t-1") },
        { type: "line", data: { thread_id: "t-1", customer_id: null } },
      ]);
    await feed.close();
    expect(store.listening("handoffs")).toBe(0);
  });

  it("a waiting subscriber gets the event as it comes; with none, null after the wait (a heartbeat is due)", async () => {
    const store = fakeStore();
    const feed = liveFeed(store);
    const s = await feed.subscribe();
    expect(await s.next(5)).toBeNull();
    const next = s.next(60_000);
    store.send("transcript", { thread_id: "t-1", customer_id: "c-1" });
    expect(await next).toEqual({ type: "line", data: { thread_id: "t-1", customer_id: "c-1" } });
    await feed.close();
  });

  it("a thread's subscriber hears that thread only; payloads that are not changes are ignored", async () => {
    const store = fakeStore();
    const feed = liveFeed(store);
    const a = await feed.subscribe({ filter: onlyThread("t-a") });
    store.send("transcript", { thread_id: "t-b", customer_id: "c-1" });
    store.send("handoffs", opened("h-b", "t-b"));
    store.send("handoffs", "not json");
    store.send("handoffs", { interaction_id: "h-x", what: "exploded", thread_id: "t-a", customer_id: "c" });
    store.send("handoffs", opened("h-a", "t-a"));
    expect(await drain(a)).toEqual([{ type: "handoffs", data: opened("h-a", "t-a") }]);
    await feed.close();
  });

  it("a subscriber that falls behind holds no more than its buffer: it is told to resync and gets what follows", async () => {
    const store = fakeStore();
    const feed = liveFeed(store, { buffer: 3 });
    const slow = await feed.subscribe();
    const quick = await feed.subscribe({ buffer: 100 });
    for (let i = 0; i < 5; i++) store.send("transcript", { thread_id: `t-${i}`, customer_id: null });
    // 3 held; the 4th finds the buffer full: all dropped for a resync (the page read again has them); the 5th is kept.
    expect(await drain(slow)).toEqual([{ type: "resync" }, { type: "line", data: { thread_id: "t-4", customer_id: null } }]);
    expect(await drain(quick)).toHaveLength(5);
    expect(feed.stats().resyncs).toBe(1);
    // Never reading, it stays within its buffer however much comes.
    for (let i = 0; i < 1000; i++) store.send("transcript", { thread_id: `t-${i}`, customer_id: null });
    expect((await drain(slow)).length).toBeLessThanOrEqual(3);
    await feed.close();
  });

  it("after a gap in the store's signals (PostgreSQL listening again), every subscriber is told to resync", async () => {
    const store = fakeStore();
    const feed = liveFeed(store);
    const waiting = await feed.subscribe();
    const holding = await feed.subscribe({ filter: onlyThread("t-1") });
    store.send("handoffs", opened("h-1", "t-1"));
    expect(await waiting.next(0)).toMatchObject({ type: "handoffs" });
    const next = waiting.next(60_000);
    store.gap();
    expect(await next).toEqual({ type: "resync" });
    // What it held came before the gap: the page it reads again has it.
    expect(await drain(holding)).toEqual([{ type: "resync" }]);
    store.send("handoffs", opened("h-2", "t-1"));
    expect(await drain(holding)).toEqual([{ type: "handoffs", data: opened("h-2", "t-1") }]);
    expect(feed.stats().resyncs).toBe(2);
    await feed.close();
  });

  it("closing a subscription frees it and ends its wait; a filter that throws loses its subscriber, not the sender", async () => {
    const store = fakeStore();
    const feed = liveFeed(store);
    const s = await feed.subscribe();
    const broken = await feed.subscribe({
      filter: () => {
        throw new Error("boom");
      },
    });
    expect(feed.stats().subscribers).toBe(2);
    const waiting = s.next(60_000);
    s.close();
    expect(await waiting).toBeUndefined();
    expect(() => store.send("handoffs", opened("h-1", "t-1"))).not.toThrow();
    expect(feed.stats().subscribers).toBe(0);
    expect(await broken.next(0)).toBeUndefined();
    await feed.close();
    await expect(feed.subscribe()).rejects.toThrow("closed");
  });

  it("ending every subscription (a server shutting down) ends their waits and leaves the feed open", async () => {
    const store = fakeStore();
    const feed = liveFeed(store);
    const subs = await Promise.all([feed.subscribe(), feed.subscribe()]);
    const waits = subs.map((s) => s.next(60_000));
    feed.endAll();
    expect(await Promise.all(waits)).toEqual([undefined, undefined]);
    expect(feed.stats().subscribers).toBe(0);
    const after = await feed.subscribe();
    store.send("handoffs", opened("h-1", "t-1"));
    expect(await drain(after)).toHaveLength(1);
    await feed.close();
  });

  it("a failed listen fails the subscription and is tried again by the next", async () => {
    let fail = true;
    const store = fakeStore();
    const feed = liveFeed({
      listen: async (c, l) => {
        if (fail) throw new Error("database down");
        return store.listen(c, l);
      },
    });
    await expect(feed.subscribe()).rejects.toThrow("database down");
    fail = false;
    const s = await feed.subscribe();
    store.send("handoffs", opened("h-1", "t-1"));
    expect(await drain(s)).toHaveLength(1);
    await feed.close();
  });
});
