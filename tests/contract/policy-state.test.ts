import { expect, it } from "vitest";
import type { PolicyClaim } from "../../src/policy/state-store.js";
import type { PolicyUpdate } from "../../src/store/ports.js";
import { contract } from "./backends.js";

const claim = (interactionId: string, reward = 1): PolicyClaim => ({ interactionId, contextKey: "VE|mecanica", template: "empatia", reward });

/**
 * A learner as PolicyBook runs one: an in-memory copy of the namespace's rows at some seq; `reload`
 * replaces the copy, `apply` adds one pull to it and returns the rows to save.
 */
function learner(seenSeq: number, pulls = 0) {
  const self = {
    pulls,
    applied: 0,
    update: (): PolicyUpdate => ({
      seenSeq,
      reload: (rows) => void (self.pulls = (rows.get("pulls") as number | undefined) ?? 0),
      apply: () => {
        self.applied++;
        return new Map([["pulls", ++self.pulls]]);
      },
    }),
  };
  return self;
}

contract("PolicyStateStore", (store) => {
  it("binds a namespace on first use and keeps that binding", async () => {
    const s = store().policyState;
    expect(await s.binding("bind-ns")).toBeUndefined();
    expect(await s.isFrozen("bind-ns")).toBe(false);
    expect(await s.bind("bind-ns", "thompson")).toEqual({ policy: "thompson", frozen: false, seq: 0 });
    expect(await s.bind("bind-ns", "linucb")).toEqual({ policy: "thompson", frozen: false, seq: 0 });
    expect(await s.binding("bind-ns")).toEqual({ policy: "thompson", frozen: false, seq: 0 });
  });

  it("freezes and unfreezes", async () => {
    const s = store().policyState;
    await s.bind("freeze-ns", "thompson");
    await s.setFrozen("freeze-ns", true);
    expect(await s.isFrozen("freeze-ns")).toBe(true);
    expect(await s.binding("freeze-ns")).toMatchObject({ frozen: true });
    await s.setFrozen("freeze-ns", false);
    expect(await s.isFrozen("freeze-ns")).toBe(false);
  });

  it("applies an update once per interaction id: a replay returns the first claim and calls nothing", async () => {
    const s = store().policyState;
    await s.bind("once-ns", "thompson");
    const first = learner(0);
    expect(await s.applyOnce("once-ns", claim("once-1", 0.75), first.update())).toEqual({ applied: true, seq: 1 });
    const replay = learner(1, 1);
    expect(await s.applyOnce("once-ns", claim("once-1", 0.1), replay.update())).toEqual({
      applied: false,
      earlier: { interactionId: "once-1", namespace: "once-ns", contextKey: "VE|mecanica", template: "empatia", reward: 0.75 },
    });
    expect(replay.applied).toBe(0);
    expect(await s.loadRows("once-ns")).toEqual(new Map([["pulls", 1]]));
    expect(await s.binding("once-ns")).toMatchObject({ seq: 1 });
  });

  it("reloads a learner whose copy is older than the namespace's seq before applying, and keeps JSON values", async () => {
    const s = store().policyState;
    await s.bind("stale-ns", "thompson");
    await s.applyOnce("stale-ns", claim("stale-1"), learner(0).update());
    const stale = learner(0); // never saw stale-1
    expect(await s.applyOnce("stale-ns", claim("stale-2"), stale.update())).toEqual({ applied: true, seq: 2 });
    expect(await s.loadRows("stale-ns")).toEqual(new Map([["pulls", 2]]));
    await s.applyOnce("stale-ns", claim("stale-3"), {
      seenSeq: 2,
      reload: () => expect.unreachable("seq 2 is current"),
      apply: () => new Map<string, unknown>([["posterior", { alpha: 2.5, beta: [1, 2], note: "ñ" }]]),
    });
    expect((await s.loadRows("stale-ns")).get("posterior")).toEqual({ alpha: 2.5, beta: [1, 2], note: "ñ" });
  });

  it("of two concurrent callers with one interaction id, exactly one applies", async () => {
    const s = store().policyState;
    await s.bind("race-ns", "thompson");
    const a = learner(0);
    const b = learner(0);
    const results = await Promise.all([s.applyOnce("race-ns", claim("race-1"), a.update()), s.applyOnce("race-ns", claim("race-1"), b.update())]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(a.applied + b.applied).toBe(1);
    expect(await s.loadRows("race-ns")).toEqual(new Map([["pulls", 1]]));
    expect(await s.binding("race-ns")).toMatchObject({ seq: 1 });
  });

  it("concurrent learners on one namespace, each with a stale copy, lose no update", async () => {
    const s = store().policyState;
    await s.bind("many-ns", "thompson");
    const learners = Array.from({ length: 8 }, () => learner(0));
    const results = await Promise.all(learners.map((l, i) => s.applyOnce("many-ns", claim(`many-${i}`), l.update())));
    expect(results.every((r) => r.applied)).toBe(true);
    expect(results.map((r) => (r.applied ? r.seq : 0)).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await s.loadRows("many-ns")).toEqual(new Map([["pulls", 8]]));
  });

  it("reset drops the rows and the binding, and leaves other namespaces alone", async () => {
    const s = store().policyState;
    await s.bind("reset-ns", "thompson");
    await s.bind("kept-ns", "thompson");
    await s.applyOnce("reset-ns", claim("reset-1"), learner(0).update());
    await s.applyOnce("kept-ns", claim("kept-1"), learner(0).update());
    await s.reset("reset-ns");
    expect(await s.binding("reset-ns")).toBeUndefined();
    expect(await s.loadRows("reset-ns")).toEqual(new Map());
    expect(await s.loadRows("kept-ns")).toEqual(new Map([["pulls", 1]]));
    expect(await s.bind("reset-ns", "linucb")).toEqual({ policy: "linucb", frozen: false, seq: 0 });
  });
});
