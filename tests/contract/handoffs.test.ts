import { expect, it } from "vitest";
import type { HandoffOpen } from "../../src/store/handoffs.js";
import { contract } from "./backends.js";

const handoff = (id: string, over: Partial<HandoffOpen> = {}): HandoffOpen => ({
  interaction_id: id,
  thread_id: `thread-${id}`,
  customer_id: `customer-${id}`,
  reason: "legal_threat",
  priority: 9,
  draft: "Lamentamos lo ocurrido.",
  experiment_id: null,
  ...over,
});

contract("HandoffStore", (store) => {
  it("opens a hand-off once: opening it again keeps the first", async () => {
    const h = store().handoffs;
    await h.open(handoff("open-1"));
    await h.open(handoff("open-1", { reason: "other", priority: 1 }));
    expect(await h.get("open-1")).toEqual({
      ...handoff("open-1"),
      graph: "care",
      channel: null,
      status: "pending",
      resolution: null,
      claimed_by: null,
      claimed_at: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      resolved_at: null,
    });
    expect(await h.onThread("thread-open-1")).toEqual(await h.get("open-1"));
    expect(await h.onThread("no-such-thread")).toBeUndefined();
    expect(await h.get("no-such")).toBeUndefined();
  });

  it("of two agents claiming at once, one wins and the other learns it is taken", async () => {
    const h = store().handoffs;
    await h.open(handoff("claim-1"));
    const results = await Promise.all([h.claim("claim-1", "ana"), h.claim("claim-1", "luis")]);
    expect(results.sort()).toEqual(["claimed", "taken"]);
    const winner = results[0] === "claimed" ? "ana" : "luis";
    expect(await h.claim("claim-1", winner)).toBe("already_yours");
    expect(await h.get("claim-1")).toMatchObject({ claimed_by: winner, claimed_at: expect.any(String) });
    expect(await h.claim("no-such", "ana")).toBe("missing");
    await h.resolve("claim-1", "accept");
    expect(await h.claim("claim-1", "ana")).toBe("resolved");
    expect(await h.get("claim-1")).toMatchObject({ status: "resolved", resolution: "accept", resolved_at: expect.any(String) });
  });

  it("the people's queue: pending real customers' hand-offs, most urgent first; simulated ones are kept out", async () => {
    const h = store().handoffs;
    const queued = async () => (await h.pending()).map((x) => x.interaction_id).filter((id) => id.startsWith("queue-"));
    await h.open(handoff("queue-low", { priority: 3 }));
    await h.open(handoff("queue-high", { priority: 10 }));
    await h.open(handoff("queue-mid", { priority: 5 }));
    await h.open(handoff("queue-sim", { priority: 10, experiment_id: "exp-1" }));
    expect(await queued()).toEqual(["queue-high", "queue-mid", "queue-low"]);
    const count = await h.pendingCount();
    expect(count).toBe((await h.pending()).length);
    await h.resolve("queue-mid", "response");
    await h.resolve("queue-sim", "accept");
    expect(await queued()).toEqual(["queue-high", "queue-low"]);
    expect(await h.pendingCount()).toBe(count - 1);
    const resolved = (await h.resolved()).map((x) => x.interaction_id);
    expect(resolved).toContain("queue-mid");
    expect(resolved).not.toContain("queue-sim");
    expect(await h.resolved(1)).toHaveLength(1);
  });
  it("finds every hand-off on a set of threads, simulated ones too, and none for no threads", async () => {
    const h = store().handoffs;
    await h.open(handoff("many-1"));
    await h.open(handoff("many-2", { experiment_id: "exp-1" }));
    await h.open(handoff("many-3"));
    expect((await h.onThreads(["thread-many-1", "thread-many-2", "thread-nowhere"])).map((x) => x.interaction_id).sort()).toEqual(["many-1", "many-2"]);
    expect(await h.onThreads([])).toEqual([]);
  });
});

contract("OwnershipStore", (store) => {
  it("the bot owns a conversation until it is escalated; a claim names the agent; hand-back returns it", async () => {
    const o = store().ownership;
    expect(await o.get("own-1")).toEqual({ owner: "bot", agent: null, since: null });
    await o.escalate("own-1");
    expect(await o.get("own-1")).toMatchObject({ owner: "human", agent: null, since: expect.any(String) });
    await o.takeOver("own-1", "ana");
    expect(await o.get("own-1")).toMatchObject({ owner: "human", agent: "ana" });
    await o.escalate("own-1"); // a later escalation never undoes a claim
    expect(await o.get("own-1")).toMatchObject({ owner: "human", agent: "ana" });
    await o.takeOver("own-1", "luis");
    expect(await o.get("own-1")).toMatchObject({ owner: "human", agent: "luis" });
    await o.handBack("own-1");
    expect(await o.get("own-1")).toEqual({ owner: "bot", agent: null, since: null });
  });

});
