import { randomUUID } from "node:crypto";
import { afterEach, expect, it, vi } from "vitest";
import type { MultitaskStrategy, NewRun, RunQueue, RunRecord } from "../../src/store/ports.js";
import { contract } from "./backends.js";

const LEASE = 60_000;
/** A lease already lapsed when granted: the worker that took the run is as good as dead. */
const LAPSED = -1_000;
const MAX = 5;

const newRun = (thread: string, strategy: MultitaskStrategy = "enqueue", over: Partial<NewRun> = {}): NewRun => ({
  run_id: randomUUID(),
  thread_id: thread,
  assistant_id: "care",
  multitask_strategy: strategy,
  kwargs: { input: { customer_id: "C1" }, stream_mode: ["values"] },
  metadata: { request_id: "req-1" },
  ...over,
});

async function queued(q: RunQueue, thread: string, strategy: MultitaskStrategy = "enqueue"): Promise<RunRecord> {
  const r = await q.enqueue(newRun(thread, strategy));
  if (!("run" in r)) throw new Error(`thread ${thread} is busy`);
  return r.run;
}

contract("RunQueue", (store) => {
  // The queue is the file's: what a test leaves claimable would be the next test's first claim.
  afterEach(async () => {
    const q = store().runs;
    for (let r = await q.claim("sweeper", LEASE, 100); r; r = await q.claim("sweeper", LEASE, 100)) await q.finish(r.run_id, "sweeper", "success");
  });

  it("queues a pending run with what the executor needs, and lists a thread's runs", async () => {
    const q = store().runs;
    const spec = newRun("t-enqueue");
    const r = await q.enqueue(spec);
    if (!("run" in r)) throw new Error("busy");
    expect(r.run).toMatchObject({ ...spec, status: "pending", attempts: 0, error: null, dead_at: null, cancel_reason: null, worker: null, lease_until: null, started_at: null, finished_at: null });
    expect(r.run.seq).toEqual(expect.any(Number));
    expect(r.run.created_at).toMatch(/Z$/);
    expect(await q.get(spec.run_id)).toEqual(r.run);
    expect(await q.get("nope")).toBeUndefined();
    const second = await queued(q, "t-enqueue");
    expect(second.seq).toBeGreaterThan(r.run.seq);
    expect((await q.list("t-enqueue", { limit: 10, offset: 0 })).map((x) => x.run_id)).toEqual([second.run_id, spec.run_id]);
    expect((await q.list("t-enqueue", { limit: 1, offset: 1 })).map((x) => x.run_id)).toEqual([spec.run_id]);
    expect((await q.open("t-enqueue")).map((x) => x.run_id)).toEqual([spec.run_id, second.run_id]);
  });

  it("starts a thread's runs one at a time, in arrival order; other threads are not held up", async () => {
    const q = store().runs;
    const a1 = await queued(q, "t-order-a");
    const a2 = await queued(q, "t-order-a");
    const b1 = await queued(q, "t-order-b");
    const first = await q.claim("w1", LEASE, MAX);
    expect(first).toMatchObject({ run_id: a1.run_id, status: "running", worker: "w1", attempts: 1, started_at: expect.any(String) });
    expect(Date.parse(first!.lease_until!)).toBeGreaterThan(Date.now() + LEASE / 2);
    expect((await q.claim("w2", LEASE, MAX))?.run_id).toBe(b1.run_id); // a2 waits behind a1
    expect(await q.claim("w2", LEASE, MAX)).toBeUndefined();
    expect(await q.finish(a1.run_id, "w1", "success")).toBe(true);
    expect(await q.get(a1.run_id)).toMatchObject({ status: "success", finished_at: expect.any(String), error: null });
    expect((await q.claim("w3", LEASE, MAX))?.run_id).toBe(a2.run_id);
    expect((await q.list("t-order-a", { limit: 10, offset: 0, status: "running" })).map((x) => x.run_id)).toEqual([a2.run_id]);
  });

  it("takes again a run whose lease lapsed, attempts + 1; the worker that lost it can neither renew nor finish it", async () => {
    const q = store().runs;
    const r = await queued(q, "t-lapse");
    expect((await q.claim("dead-worker", LAPSED, MAX))?.run_id).toBe(r.run_id);
    expect(await q.renew(r.run_id, "dead-worker", LEASE)).toEqual({ held: true, cancelReason: null }); // lapsed but not yet taken: still its own
    await q.renew(r.run_id, "dead-worker", LAPSED);
    const again = await q.claim("w2", LEASE, MAX);
    expect(again).toMatchObject({ run_id: r.run_id, worker: "w2", attempts: 2, status: "running" });
    expect(await q.renew(r.run_id, "dead-worker", LEASE)).toEqual({ held: false, cancelReason: null });
    expect(await q.finish(r.run_id, "dead-worker", "error", "too late")).toBe(false);
    expect(await q.retry(r.run_id, "dead-worker", "too late", 0, MAX)).toBe("lost");
    expect(await q.get(r.run_id)).toMatchObject({ status: "running", worker: "w2", error: null });
    expect(await q.renew(r.run_id, "w2", LEASE)).toEqual({ held: true, cancelReason: null });
    expect(await q.finish(r.run_id, "w2", "success")).toBe(true);
    expect(await q.finish(r.run_id, "w2", "error")).toBe(false); // finished once
    expect(await q.renew(r.run_id, "w2", LEASE)).toEqual({ held: false, cancelReason: null });
  });

  it("dead-letters a run that would exceed maxAttempts and goes on to the next; deadLetters lists it", async () => {
    const q = store().runs;
    const doomed = await queued(q, "t-dead");
    const behind = await queued(q, "t-dead");
    expect((await q.claim("w1", LAPSED, 2))?.run_id).toBe(doomed.run_id);
    expect((await q.claim("w2", LAPSED, 2))?.run_id).toBe(doomed.run_id);
    const other = await queued(q, "t-dead-other");
    // The third take would be its third attempt: dead-lettered (and said so), and the search goes on to the next run.
    const dead: RunRecord[] = [];
    expect((await q.claim("w3", LEASE, 2, (r) => dead.push(r)))?.run_id).toBe(behind.run_id);
    expect(dead).toMatchObject([{ run_id: doomed.run_id, status: "error", dead_at: expect.any(String) }]);
    expect(await q.get(doomed.run_id)).toMatchObject({ status: "error", attempts: 2, dead_at: expect.any(String), worker: null, error: "dead-lettered after 2 attempts: its lease lapsed" });
    expect((await q.claim("w4", LEASE, 2))?.run_id).toBe(other.run_id);
    expect((await q.deadLetters(10)).map((x) => x.run_id)).toContain(doomed.run_id);
    expect((await q.deadLetters(10))[0]!.run_id).toBe(doomed.run_id); // newest first
    expect(await q.finish(doomed.run_id, "w2", "success")).toBe(false);
  });

  it("retries a failed attempt after its delay with its error kept, and dead-letters it once attempts are spent", async () => {
    const q = store().runs;
    const r = await queued(q, "t-retry");
    await q.claim("w1", LEASE, 2);
    expect(await q.retry(r.run_id, "w1", "model timeout for +52 55 1234 5678", 3_600_000, 2)).toBe("retry");
    const waiting = (await q.get(r.run_id))!;
    expect(waiting).toMatchObject({ status: "pending", attempts: 1, worker: null, lease_until: null });
    expect(waiting.error).toMatch(/^model timeout for /);
    expect(waiting.error).not.toMatch(/1234 5678/);
    expect(await q.claim("w2", LEASE, 2)).toBeUndefined(); // not due for an hour
    expect(await q.retry(r.run_id, "w1", "again", 0, 2)).toBe("lost"); // no longer w1's

    const s = await queued(q, "t-retry-due");
    await q.claim("w1", LEASE, 2);
    expect(await q.retry(s.run_id, "w1", "first", LAPSED, 2)).toBe("retry"); // due at once
    expect(await q.claim("w2", LEASE, 2)).toMatchObject({ run_id: s.run_id, attempts: 2, error: "first" });
    expect(await q.retry(s.run_id, "w2", "second", 0, 2)).toBe("dead");
    expect(await q.get(s.run_id)).toMatchObject({ status: "error", dead_at: expect.any(String), error: "dead-lettered after 2 attempts: second" });
    await q.cancel("t-retry", r.run_id, "test over");
  });

  it("reject: a thread with an open run gets none and is told which run holds it", async () => {
    const q = store().runs;
    const first = await queued(q, "t-reject", "reject");
    expect(await q.enqueue(newRun("t-reject", "reject"))).toEqual({ busy: first });
    const queuedBehind = await q.enqueue(newRun("t-reject", "enqueue"));
    expect("run" in queuedBehind).toBe(true); // only `reject` refuses
    await q.claim("w1", LEASE, MAX);
    await q.finish(first.run_id, "w1", "success");
    await q.cancel("t-reject", (queuedBehind as { run: RunRecord }).run.run_id, "test");
    expect("run" in (await q.enqueue(newRun("t-reject", "reject")))).toBe(true);
  });

  it("reject: of concurrent enqueues on one idle thread exactly one is accepted", async () => {
    const q = store().runs;
    for (let round = 0; round < 5; round++) {
      const thread = `t-reject-race-${round}`;
      const results = await Promise.all(Array.from({ length: 6 }, () => q.enqueue(newRun(thread, "reject"))));
      const accepted = results.flatMap((r) => ("run" in r ? [r.run] : []));
      expect(accepted).toHaveLength(1);
      expect(results.filter((r) => "busy" in r).map((r) => ("busy" in r ? r.busy.run_id : ""))).toEqual(Array(5).fill(accepted[0]!.run_id));
      expect(await q.open(thread)).toHaveLength(1);
    }
  });

  it("concurrent claimers never get the same run, nor two runs of one thread, and each thread's runs start in order", async () => {
    const q = store().runs;
    const threads = Array.from({ length: 5 }, (_, i) => `t-claim-race-${i}`);
    const all: RunRecord[] = [];
    for (let i = 0; i < 4; i++) for (const t of threads) all.push(await queued(q, t));
    const started: RunRecord[] = [];
    for (let round = 0; started.length < all.length && round < 50; round++) {
      const got = (await Promise.all(Array.from({ length: 20 }, (_, i) => q.claim(`w${i}`, LEASE, MAX)))).filter((r) => r !== undefined);
      expect(new Set(got.map((r) => r.thread_id)).size).toBe(got.length); // one run per thread at a time
      started.push(...got);
      await Promise.all(got.map((r) => q.finish(r.run_id, r.worker!, "success")));
    }
    const ids = started.map((r) => r.run_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(all.map((r) => r.run_id).sort());
    for (const t of threads) {
      const seqs = started.filter((r) => r.thread_id === t).map((r) => r.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it("cancel ends a pending run at once and flags a running one for its worker", async () => {
    const q = store().runs;
    const running = await queued(q, "t-cancel");
    const pending = await queued(q, "t-cancel");
    await q.claim("w1", LEASE, MAX);
    expect(await q.cancel("t-cancel", pending.run_id, "user asked")).toMatchObject({ status: "interrupted", cancel_reason: "user asked", finished_at: expect.any(String) });
    expect(await q.cancel("t-cancel", running.run_id, "user asked")).toMatchObject({ status: "running", cancel_reason: "user asked" });
    expect(await q.renew(running.run_id, "w1", LEASE)).toEqual({ held: true, cancelReason: "user asked" });
    expect(await q.finish(running.run_id, "w1", "interrupted")).toBe(true);
    expect(await q.cancel("t-cancel", running.run_id, "again")).toMatchObject({ status: "interrupted", cancel_reason: "user asked" }); // as is
    expect(await q.cancel("t-other", running.run_id, "x")).toBeUndefined(); // not that thread's
    expect(await q.cancel("t-cancel", "nope", "x")).toBeUndefined();
    expect(await q.open("t-cancel")).toEqual([]);
  });

  it("counts runs by status for the metrics, with the oldest pending run's age", async () => {
    const q = store().runs;
    const before = await q.stats();
    const a = await queued(q, "t-stats");
    await queued(q, "t-stats");
    const after = await q.stats();
    expect(after).toMatchObject({ pending: before.pending + 2, running: before.running, dead: before.dead });
    expect(after.oldestPendingMs).toBeGreaterThanOrEqual(0);
    await q.claim("w1", LAPSED, 1);
    expect(await q.stats()).toMatchObject({ pending: before.pending + 1, running: before.running + 1, dead: before.dead });
    await q.claim("w2", LEASE, 1); // a's second take would exceed 1 attempt: dead-lettered
    expect(await q.get(a.run_id)).toMatchObject({ dead_at: expect.any(String) });
    expect(await q.stats()).toMatchObject({ pending: before.pending, running: before.running + 1, dead: before.dead + 1 });
    const [b] = await q.open("t-stats");
    await q.finish(b!.run_id, "w2", "error", "boom"); // failed, not dead-lettered
    expect(await q.stats()).toMatchObject({ pending: before.pending, running: before.running, dead: before.dead + 1 });
  });

  it("the oldest pending run's age is the database's clock minus its arrival", async () => {
    const q = store().runs;
    const r = await queued(q, "t-age");
    await vi.waitFor(async () => expect((await q.stats()).oldestPendingMs).toBeGreaterThanOrEqual(50), { timeout: 5_000, interval: 10 });
    await queued(q, "t-age-later"); // younger: not the one measured
    const { oldestPendingMs } = await q.stats();
    expect(oldestPendingMs).toBeGreaterThanOrEqual(50);
    expect(oldestPendingMs).toBeLessThan(Date.now() - Date.parse(r.created_at) + 1_000);
  });

  it("prune deletes finished runs older than the cutoff with their events, and keeps open runs and dead letters", async () => {
    const q = store().runs;
    const done = await queued(q, "t-prune");
    await q.claim("w1", LEASE, MAX);
    await q.finish(done.run_id, "w1", "success");
    await store().runEvents.append(done.run_id, [{ event: "values", data: { n: 1 } }]);
    const dead = await queued(q, "t-prune-dead");
    await q.claim("w1", LAPSED, 1);
    expect(await q.claim("w1", LAPSED, 1)).toBeUndefined(); // dead-lettered it
    const open = await queued(q, "t-prune-open");
    expect(await q.get(dead.run_id)).toMatchObject({ dead_at: expect.any(String) });
    const still = (await q.get(open.run_id))!;

    expect(await q.prune(new Date(Date.now() - 3_600_000))).toEqual({ runs: 0 });
    expect(await q.get(done.run_id)).toBeDefined();
    const { runs } = await q.prune(new Date(Date.now() + 60_000));
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(await q.get(done.run_id)).toBeUndefined();
    expect(await store().runEvents.after(done.run_id, 0)).toEqual([]);
    expect(await q.get(open.run_id)).toEqual(still);
    expect(await q.get(dead.run_id)).toBeDefined();
  });
});
