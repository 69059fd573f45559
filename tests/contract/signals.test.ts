import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import type { SignalChannel, Store } from "../../src/store/ports.js";
import { contract, freshSchema, pgReachable, url } from "./backends.js";

/** What `channel` delivers to this listener, in order. */
async function hear(store: Store, channel: SignalChannel) {
  const heard: string[] = [];
  const stop = await store.listen(channel, (p) => heard.push(p));
  return { heard, stop };
}

contract("signals", (store) => {
  it("a signal sent in a transaction is delivered once it commits, and never when it rolls back", async () => {
    const { heard, stop } = await hear(store(), "runs");
    try {
      await store().transaction(async (tx) => {
        await tx.signal("runs", "committed");
        // Sent and delivered meanwhile outside the transaction: on PostgreSQL, signals reach a listener in
        // commit order, so "committed" arriving first would be a delivery before its commit.
        await store().signal("runs", "outside");
        await vi.waitFor(() => expect(heard).toContain("outside"));
        expect(heard).toEqual(["outside"]);
      });
      await vi.waitFor(() => expect(heard).toEqual(["outside", "committed"]));

      await expect(
        store().transaction(async (tx) => {
          await tx.signal("runs", "rolled back");
          throw new Error("no");
        }),
      ).rejects.toThrow("no");
      await store().signal("runs", "after");
      await vi.waitFor(() => expect(heard).toContain("after"));
      expect(heard).toEqual(["outside", "committed", "after"]);
    } finally {
      await stop();
    }
  });

  it("runs and run events signal what they wrote; channels are apart; an unsubscribed listener hears nothing", async () => {
    const runs = await hear(store(), "runs");
    const events = await hear(store(), "run_events");
    const other = await hear(store(), "runs");
    await other.stop();
    try {
      const r = await store().runs.enqueue({ run_id: "sig-run-1", thread_id: "sig-t", assistant_id: "care", multitask_strategy: "reject", kwargs: {}, metadata: {} });
      await store().runEvents.append("sig-run-1", [{ event: "values", data: 1 }, { event: "end", data: null }]);
      await vi.waitFor(() => expect(events.heard).toEqual(["sig-run-1:2"]));
      await vi.waitFor(() => expect(runs.heard).toEqual(["sig-run-1"]));
      expect("run" in r).toBe(true);
      // A rejected run wakes nobody.
      await store().runs.enqueue({ run_id: "sig-run-2", thread_id: "sig-t", assistant_id: "care", multitask_strategy: "reject", kwargs: {}, metadata: {} });
      await store().signal("runs", "marker");
      await vi.waitFor(() => expect(runs.heard).toEqual(["sig-run-1", "marker"]));
      expect(other.heard).toEqual([]);
    } finally {
      await runs.stop();
      await events.stop();
    }
  });
});

contract("hand-off and transcript signals", (store) => {
  const handoff = (id: string, experiment: string | null = null) => ({
    interaction_id: id, thread_id: `thread-${id}`, customer_id: `customer-${id}`, reason: "legal_threat", priority: 9, draft: null, experiment_id: experiment,
  });
  const change = (id: string, what: string) => ({ interaction_id: id, what, thread_id: `thread-${id}`, customer_id: `customer-${id}` });
  const line = (thread: string, text: string) => ({ thread_id: thread, customer_id: "c-1", channel: "web" as const, author: "customer", text });
  const parsed = (heard: string[]) => heard.map((p) => JSON.parse(p) as unknown);

  it("a hand-off opened, claimed and resolved signals each change once committed, a change that changes nothing signals nothing", async () => {
    const { heard, stop } = await hear(store(), "handoffs");
    try {
      await store().transaction(async (tx) => {
        await tx.handoffs.open(handoff("sig-h1"));
        await store().signal("handoffs", JSON.stringify("outside"));
        await vi.waitFor(() => expect(heard).toHaveLength(1));
        expect(parsed(heard)).toEqual(["outside"]);
      });
      await vi.waitFor(() => expect(heard).toHaveLength(2));
      expect(parsed(heard)[1]).toEqual(change("sig-h1", "opened"));

      await store().handoffs.open(handoff("sig-h1")); // opened already: nothing changes
      expect(await store().handoffs.claim("sig-h1", "ana")).toBe("claimed");
      expect(await store().handoffs.claim("sig-h1", "beto")).toBe("taken");
      await store().handoffs.resolve("sig-h1", "respond");
      await store().handoffs.resolve("sig-missing", "respond");
      await store().signal("handoffs", JSON.stringify("marker"));
      await vi.waitFor(() => expect(parsed(heard)).toContain("marker"));
      expect(parsed(heard).slice(2)).toEqual([change("sig-h1", "claimed"), change("sig-h1", "resolved"), "marker"]);
    } finally {
      await stop();
    }
  });

  it("a rolled-back hand-off or line signals nothing; a simulated customer's hand-off signals nothing", async () => {
    const handoffs = await hear(store(), "handoffs");
    const lines = await hear(store(), "transcript");
    try {
      await expect(
        store().transaction(async (tx) => {
          await tx.handoffs.open(handoff("sig-rolled"));
          await tx.transcript.append([{ key: "sig-rolled:1", line: line("sig-th-rolled", "hola") }]);
          throw new Error("no");
        }),
      ).rejects.toThrow("no");
      await store().handoffs.open(handoff("sig-sim", "exp-1"));
      await store().handoffs.claim("sig-sim", "ana");
      await store().handoffs.resolve("sig-sim", "ignore");
      await store().signal("handoffs", JSON.stringify("marker"));
      await store().signal("transcript", JSON.stringify("marker"));
      await vi.waitFor(() => expect(parsed(handoffs.heard)).toEqual(["marker"]));
      await vi.waitFor(() => expect(parsed(lines.heard)).toEqual(["marker"]));
    } finally {
      await handoffs.stop();
      await lines.stop();
    }
  });

  it("lines appended signal their thread once per append and thread, once committed; lines already there signal nothing", async () => {
    const { heard, stop } = await hear(store(), "transcript");
    try {
      await store().transaction(async (tx) => {
        await tx.transcript.append([
          { key: "sig-l:1", line: line("sig-th-a", "hola") },
          { key: "sig-l:2", line: line("sig-th-a", "¿qué tal?") },
          { key: "sig-l:3", line: { ...line("sig-th-b", "hola"), customer_id: null } },
        ]);
        await store().signal("transcript", JSON.stringify("outside"));
        await vi.waitFor(() => expect(heard).toHaveLength(1));
      });
      await vi.waitFor(() => expect(heard).toHaveLength(3));
      expect(parsed(heard)).toEqual(["outside", { thread_id: "sig-th-a", customer_id: "c-1" }, { thread_id: "sig-th-b", customer_id: null }]);

      await store().transcript.append([{ key: "sig-l:1", line: line("sig-th-a", "hola") }]);
      await store().transcript.append([]);
      await store().signal("transcript", JSON.stringify("marker"));
      await vi.waitFor(() => expect(heard).toHaveLength(4));
      expect(parsed(heard)[3]).toEqual("marker");
    } finally {
      await stop();
    }
  });
});

describe.skipIf(!pgReachable)("PostgreSQL signals", () => {
  it("an outbound message queued by one process wakes another's outbox sender (a worker's reply, sent by serve)", async () => {
    const s = freshSchema();
    const worker = await openStore({ postgres: url, schema: s.schema, max: 2 });
    const serve = await openStore({ postgres: url, schema: s.schema, max: 2 });
    try {
      const outbox = await hear(serve, "outbox");
      await worker.transaction((tx) => tx.outbox.enqueue({ key: "run-1:reply", customerId: "ana", author: "bot", body: "hola" }));
      await vi.waitFor(() => expect(outbox.heard).toHaveLength(1));
      await outbox.stop();
    } finally {
      await Promise.all([worker.close(), serve.close()]);
      await s.drop();
    }
  });

  it("a schema's signals stay in it: two deployments on one database do not hear each other", async () => {
    const [first, second] = [freshSchema(), freshSchema()];
    const one = await openStore({ postgres: url, schema: first.schema, max: 2 });
    const other = await openStore({ postgres: url, schema: second.schema, max: 2 });
    try {
      const here = await hear(one, "runs");
      const there = await hear(other, "runs");
      await one.signal("runs", "for here");
      await other.signal("runs", "for there");
      await vi.waitFor(() => expect(there.heard).toContain("for there"));
      await vi.waitFor(() => expect(here.heard).toContain("for here"));
      expect(there.heard).toEqual(["for there"]);
      expect(here.heard).toEqual(["for here"]);
      await here.stop();
      await there.stop();
    } finally {
      await Promise.all([one.close(), other.close()]);
      await Promise.all([first.drop(), second.drop()]);
    }
  });

  it("listens again after its connection is killed, and tells of the gap", async () => {
    const own = freshSchema();
    const s = await openStore({ postgres: url, schema: own.schema, max: 2 });
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      const { heard } = await hear(s, "runs");
      let gaps = 0;
      await s.listen("outbox", () => {}, () => gaps++);
      expect(gaps).toBe(0);
      const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1", [`LISTEN "${own.schema}.%`]);
      expect(killed.rowCount).toBe(1);
      let n = 0;
      await vi.waitFor(
        async () => {
          await s.signal("runs", `again ${++n}`);
          expect(heard.some((p) => p.startsWith("again"))).toBe(true);
        },
        { timeout: 10_000, interval: 250 },
      );
      // Listening again, it says what it could have missed: once, to the listener that asked.
      expect(gaps).toBe(1);
    } finally {
      await admin.end();
      await s.close();
      await own.drop();
    }
  });
});
