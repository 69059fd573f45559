import { expect, it, vi } from "vitest";
import type { HandoffOpen, InboxFilter } from "../../src/store/handoffs.js";
import { contract } from "./backends.js";

const open = (id: string, over: Partial<HandoffOpen> = {}): HandoffOpen => ({
  interaction_id: id,
  thread_id: `thread-${id}`,
  customer_id: `customer-${id}`,
  reason: "human_request",
  priority: 5,
  draft: null,
  experiment_id: null,
  ...over,
});

contract("HandoffStore: the inbox", (store) => {
  const ids = async (filter: InboxFilter, limit = 100) => (await store().handoffs.inbox(filter, { limit })).items.map((h) => h.interaction_id);

  it("pages the pending real customers' hand-offs highest priority first, then oldest, with a cursor and the total", async () => {
    const h = store().handoffs;
    // Opened one after another: created_at grows (ties are broken by id, which the order also uses).
    for (const [id, priority] of [["p-a", 5], ["p-b", 9], ["p-c", 5], ["p-d", 1], ["p-e", 9], ["p-f", 5]] as const) await h.open(open(id, { priority }));
    await h.open(open("p-sim", { priority: 10, experiment_id: "exp" }));
    await h.open(open("p-done", { priority: 10 }));
    await h.resolve("p-done", "ignore");

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await h.inbox({}, { limit: 4, after });
      expect(page.total).toBe(6);
      seen.push(...page.items.map((x) => x.interaction_id));
      after = page.next;
      pages++;
    } while (after);
    expect(pages).toBe(2);
    expect(seen).toEqual(["p-b", "p-e", "p-a", "p-c", "p-f", "p-d"]);
    // A cursor that does not parse starts from the top rather than failing.
    expect((await h.inbox({}, { limit: 2, after: "not-a-cursor" })).items.map((x) => x.interaction_id)).toEqual(["p-b", "p-e"]);
  });

  it("filters by graph, channel, reason, minimum priority and who holds the claim", async () => {
    const h = store().handoffs;
    await h.open(open("f-conv", { graph: "conversation", channel: "telegram", reason: "legal_threat", priority: 8 }));
    await h.open(open("f-web", { graph: "conversation", channel: "web", priority: 3 }));
    await h.claim("f-web", "ana");
    await h.claim("p-a", "luis");
    expect(await h.get("f-conv")).toMatchObject({ graph: "conversation", channel: "telegram" });
    expect(await ids({ graph: "conversation" })).toEqual(["f-conv", "f-web"]);
    expect(await ids({ channel: "web" })).toEqual(["f-web"]);
    expect(await ids({ reason: "legal_threat" })).toEqual(["f-conv"]);
    expect(await ids({ minPriority: 8 })).toEqual(["p-b", "p-e", "f-conv"]);
    expect(await ids({ claimed: "mine", agent: "ana" })).toEqual(["f-web"]);
    expect(await ids({ claimed: "unclaimed", graph: "conversation" })).toEqual(["f-conv"]);
    expect((await h.inbox({ claimed: "unclaimed" }, { limit: 1 })).total).toBe(6);
  });

  it("next: of agents taking the next one at once, each gets a different hand-off, highest priority and oldest first", async () => {
    const h = store().handoffs;
    const got = await Promise.all(["n1", "n2", "n3"].map((agent) => h.next(agent)));
    expect(got.map((x) => x?.interaction_id).sort()).toEqual(["f-conv", "p-b", "p-e"]);
    for (const [i, agent] of ["n1", "n2", "n3"].entries()) expect(got[i]).toMatchObject({ claimed_by: agent, claimed_at: expect.any(String) });
    expect((await h.next("n1", { graph: "conversation" }))?.interaction_id).toBeUndefined();
    expect((await h.next("n1", { minPriority: 5 }))?.interaction_id).toBe("p-c");
  });

  it("release gives the claim up for anyone; reassign passes it on; only the claimant can do either", async () => {
    const h = store().handoffs;
    expect(await h.release("p-c", "luis")).toBe("not_yours");
    expect(await h.release("p-c", "n1")).toBe("released");
    expect(await h.get("p-c")).toMatchObject({ claimed_by: null, claimed_at: null });
    expect(await h.release("p-c", "n1")).toBe("not_yours");
    expect(await h.claim("p-c", "luis")).toBe("claimed");

    expect(await h.reassign("p-c", "ana", "eva")).toBe("not_yours");
    expect(await h.reassign("p-c", "luis", "eva")).toBe("reassigned");
    expect(await h.get("p-c")).toMatchObject({ claimed_by: "eva" });
    expect(await h.claim("p-c", "luis")).toBe("taken");

    await h.resolve("p-c", "response");
    expect(await h.release("p-c", "eva")).toBe("resolved");
    expect(await h.reassign("p-c", "eva", "ana")).toBe("resolved");
    expect(await h.release("no-such", "eva")).toBe("missing");
    expect(await h.reassign("no-such", "eva", "ana")).toBe("missing");
  });

  it("take-the-next, release and reassign signal 'handoffs' once committed; a refused one signals nothing", async () => {
    const heard: string[] = [];
    const stop = await store().listen("handoffs", (p) => void heard.push(p));
    try {
      const h = store().handoffs;
      await h.open(open("s-1", { priority: 10 }));
      const taken = await h.next("ana");
      expect(taken?.interaction_id).toBe("s-1");
      expect(await h.release("s-1", "luis")).toBe("not_yours");
      await h.release("s-1", "ana");
      await h.claim("s-1", "ana");
      await h.reassign("s-1", "ana", "eva");
      await store().signal("handoffs", JSON.stringify("marker"));
      await vi.waitFor(() => expect(heard.map((p) => JSON.parse(p))).toContain("marker"));
      expect(heard.map((p) => JSON.parse(p)).map((c) => (typeof c === "string" ? c : `${c.interaction_id}:${c.what}`))).toEqual([
        "s-1:opened",
        "s-1:claimed",
        "s-1:released",
        "s-1:claimed",
        "s-1:reassigned",
        "marker",
      ]);
    } finally {
      await stop();
    }
  });
});
