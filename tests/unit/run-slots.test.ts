import { describe, expect, it } from "vitest";
import { AbandonedError, OverloadedError, RunSlots } from "../../src/server/helper/run-slots.js";

const settled = () => new Promise((r) => setImmediate(r));

describe("RunSlots", () => {
  it("runs up to the limit at once and lets the rest in by order of arrival", async () => {
    const slots = new RunSlots(2, 10);
    const order: number[] = [];
    const releases = new Map<number, () => void>();
    const take = (n: number) => slots.acquire().then((release) => (order.push(n), releases.set(n, release)));
    [1, 2, 3, 4, 5].forEach((n) => void take(n));
    await settled();
    expect(order).toEqual([1, 2]);
    expect([slots.running, slots.waiting]).toEqual([2, 3]);
    releases.get(2)!();
    releases.get(2)!(); // a second release must not free another slot
    await settled();
    expect(order).toEqual([1, 2, 3]);
    expect([slots.running, slots.waiting]).toEqual([2, 2]);
    releases.get(1)!();
    releases.get(3)!();
    await settled();
    expect(order).toEqual([1, 2, 3, 4, 5]);
    releases.get(4)!();
    releases.get(5)!();
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });

  it("refuses when the line is full, unless the caller cannot come back", async () => {
    const slots = new RunSlots(1, 1);
    const first = await slots.acquire();
    const second = slots.acquire();
    await expect(slots.acquire()).rejects.toBeInstanceOf(OverloadedError);
    const patient = slots.acquire(undefined, false);
    expect(slots.waiting).toBe(2);
    first();
    (await second)();
    (await patient)();
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });

  it("takes a caller that gives up out of the line, and the slot goes to the next", async () => {
    const slots = new RunSlots(1, 10);
    const first = await slots.acquire();
    const gone = new AbortController();
    const leaving = slots.acquire(gone.signal);
    const staying = slots.acquire();
    gone.abort("client closed"); // Node's HTTP adapter aborts with a string, not an Error
    await expect(leaving).rejects.toBeInstanceOf(AbandonedError);
    expect(slots.waiting).toBe(1);
    first();
    (await staying)();
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
    await expect(slots.acquire(gone.signal)).rejects.toBeInstanceOf(AbandonedError);
  });

  it("ignores an abort that comes after the slot was granted", async () => {
    const slots = new RunSlots(1, 10);
    const first = await slots.acquire();
    const late = new AbortController();
    const granted = slots.acquire(late.signal);
    first();
    const release = await granted;
    late.abort();
    expect([slots.running, slots.waiting]).toEqual([1, 0]);
    release();
    expect(slots.running).toBe(0);
  });
});
