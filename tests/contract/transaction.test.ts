import { expect, it } from "vitest";
import { gate } from "../helpers/gate.js";
import { contract } from "./backends.js";
import { queued } from "../helpers/outbox.js";

contract("Store.transaction", (store) => {
  it("commits what fn wrote through every repository and returns fn's value", async () => {
    const id = await store().transaction(async (tx) => {
      await tx.audit.record("ana", "handoff.claim", "commit-1", { n: 1 });
      await tx.ownership.takeOver("commit-1", "ana");
      return (await queued(tx.outbox, "commit-1", "ana", "hola")).id;
    });
    expect(await store().outbox.get(id)).toMatchObject({ customer_id: "commit-1", status: "pending" });
    expect((await store().audit.list("commit-1")).map((e) => [e.action, e.detail])).toEqual([["handoff.claim", { n: 1 }]]);
    expect(await store().ownership.get("commit-1")).toMatchObject({ owner: "human", agent: "ana" });
  });

  it("a throw leaves nothing written and reaches the caller", async () => {
    await store().policyState.bind("rollback-ns", "thompson");
    const failed = store().transaction(async (tx) => {
      await tx.audit.record("ana", "handoff.claim", "rollback-1");
      await queued(tx.outbox, "rollback-1", "ana", "hola");
      await tx.handoffs.open({ interaction_id: "rollback-1", thread_id: "t", customer_id: "rollback-1", reason: "legal", priority: 9, draft: null, experiment_id: null });
      await tx.threads.upsert("rollback-1", "put", { a: 1 });
      await tx.policyState.applyOnce("rollback-ns", { interactionId: "rollback-1", contextKey: "k", template: "t", reward: 1 }, {
        seenSeq: 0,
        reload: () => {},
        apply: () => new Map([["k", 1]]),
      });
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    expect(await store().audit.list("rollback-1")).toEqual([]);
    expect(await store().outbox.recent("rollback-1")).toEqual([]);
    expect(await store().handoffs.get("rollback-1")).toBeUndefined();
    expect(await store().threads.get("rollback-1")).toBeUndefined();
    expect(await store().policyState.loadRows("rollback-ns")).toEqual(new Map());
    expect(await store().policyState.bind("rollback-ns", "thompson")).toMatchObject({ seq: 0 });
  });

  it("a write made outside while a transaction is open survives that transaction's rollback", async () => {
    const inside = gate();
    const release = gate();
    const failed = store().transaction(async (tx) => {
      await tx.audit.record("bot", "inside", "interleave-1");
      inside.open();
      await release.opened;
      throw new Error("rolled back");
    });
    await inside.opened;
    // Another flow of the process (a request, the checkpointer) writes now: on SQLite it waits for the
    // one connection instead of joining the open transaction.
    const outside = store().audit.record("bot", "outside", "interleave-1");
    release.open();
    await expect(failed).rejects.toThrow("rolled back");
    await outside;
    expect((await store().audit.list("interleave-1")).map((e) => e.action)).toEqual(["outside"]);
  });

  it("tells the outbox's listeners about an enqueue once it is committed, and never about a rolled back one", async () => {
    const heard: string[] = [];
    const stop = store().outbox.onEnqueue(() => heard.push("enqueued"));
    try {
      await store().transaction(async (tx) => {
        await queued(tx.outbox, "listen-1", "ana", "uno");
        expect(heard).toEqual([]);
      });
      expect(heard).toEqual(["enqueued"]);
      await expect(
        store().transaction(async (tx) => {
          await queued(tx.outbox, "listen-1", "ana", "dos");
          throw new Error("no");
        }),
      ).rejects.toThrow("no");
      expect(heard).toEqual(["enqueued"]);
      await queued(store().outbox, "listen-1", "ana", "tres");
      expect(heard).toEqual(["enqueued", "enqueued"]);
    } finally {
      stop();
    }
    await queued(store().outbox, "listen-1", "ana", "cuatro");
    expect(heard).toHaveLength(2);
  });

  it("ping answers while the database does", async () => {
    await expect(store().ping()).resolves.toBeUndefined();
  });
});
