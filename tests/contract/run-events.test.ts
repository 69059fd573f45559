import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { RunLostError } from "../../src/store/ports.js";
import { contract } from "./backends.js";

contract("RunEvents", (store) => {
  it("numbers each run's events 1, 2, … in order and reads them after a seq", async () => {
    const e = store().runEvents;
    expect(await e.append("ev-1", [{ event: "metadata", data: { run_id: "ev-1" } }, { event: "values", data: { step: 1, list: [1, "a"] } }])).toBe(2);
    expect(await e.append("ev-2", [{ event: "values", data: "other run" }])).toBe(1);
    expect(await e.append("ev-1", [{ event: "updates", data: null }, { event: "end", data: 3 }])).toBe(4);
    expect(await e.after("ev-1", 0)).toEqual([
      { seq: 1, event: "metadata", data: { run_id: "ev-1" } },
      { seq: 2, event: "values", data: { step: 1, list: [1, "a"] } },
      { seq: 3, event: "updates", data: null },
      { seq: 4, event: "end", data: 3 },
    ]);
    expect((await e.after("ev-1", 2)).map((x) => x.seq)).toEqual([3, 4]);
    expect((await e.after("ev-1", 1, 2)).map((x) => x.seq)).toEqual([2, 3]);
    expect(await e.after("ev-1", 4)).toEqual([]);
    expect(await e.after("ev-2", 0)).toEqual([{ seq: 1, event: "values", data: "other run" }]);
    expect(await e.append("ev-1", [])).toBe(4);
    expect(await e.last("ev-1", "end")).toEqual({ seq: 4, event: "end", data: 3 });
    expect(await e.last("ev-2", "end")).toBeUndefined();
  });

  it("an append rolled back with its transaction leaves nothing, and the next one takes its numbers", async () => {
    const e = store().runEvents;
    await e.append("ev-rb", [{ event: "values", data: 1 }]);
    await expect(
      store().transaction(async (tx) => {
        expect(await tx.runEvents.append("ev-rb", [{ event: "values", data: 2 }])).toBe(2);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await e.append("ev-rb", [{ event: "values", data: 3 }])).toBe(2);
    expect((await e.after("ev-rb", 0)).map((x) => x.data)).toEqual([1, 3]);
  });

  it("writes a worker's events only while it holds the run: one whose lapsed run another took writes nothing", async () => {
    const { runs, runEvents: e } = store();
    const queued = await runs.enqueue({ run_id: randomUUID(), thread_id: randomUUID(), assistant_id: "care", multitask_strategy: "enqueue", kwargs: {}, metadata: {} });
    const runId = "run" in queued ? queued.run.run_id : "";
    expect((await runs.claim("w-slow", -1_000, 5))?.run_id).toBe(runId); // a lease lapsed at once: as good as dead
    expect(await e.append(runId, [{ event: "metadata", data: { attempt: 1 } }], "w-slow")).toBe(1);
    expect((await runs.claim("w-next", 60_000, 5))?.run_id).toBe(runId);
    await expect(e.append(runId, [{ event: "values", data: "stale" }], "w-slow")).rejects.toBeInstanceOf(RunLostError);
    expect(await e.append(runId, [{ event: "metadata", data: { attempt: 2 } }], "w-next")).toBe(2);
    await runs.finish(runId, "w-next", "success");
    await expect(e.append(runId, [{ event: "values", data: "after the end" }], "w-next")).rejects.toBeInstanceOf(RunLostError);
    expect((await e.after(runId, 0)).map((x) => x.data)).toEqual([{ attempt: 1 }, { attempt: 2 }]);
  });
});
