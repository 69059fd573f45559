import { expect, it } from "vitest";
import { contract } from "./backends.js";
import { queued } from "../helpers/outbox.js";

const inAnHour = () => new Date(Date.now() + 3_600_000);

contract("Outbox", (store) => {
  it("enqueues a pending message with no attempts, due now", async () => {
    const before = Date.now();
    const m = await queued(store().outbox, "enq-1", "ana", "hola");
    expect(m).toMatchObject({ customer_id: "enq-1", author: "ana", body: "hola", status: "pending", attempts: 0, provider_id: null, last_error: null, sent_at: null });
    expect(Date.parse(m.next_attempt_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(m.created_at).toBe(m.next_attempt_at);
    expect(await store().outbox.get(m.id)).toEqual(m);
    expect(await store().outbox.get(999_999)).toBeUndefined();
  });

  it("is idempotent on its key: a replay answers the first message, queues nothing and wakes no sender", async () => {
    const o = store().outbox;
    let woken = 0;
    const stop = o.onEnqueue(() => woken++);
    try {
      const first = await o.enqueue({ key: "run-1:reply", customerId: "key-1", author: "bot", body: "hola" });
      expect(first).toMatchObject({ created: true, message: { customer_id: "key-1", body: "hola", status: "pending" } });
      const replay = await o.enqueue({ key: "run-1:reply", customerId: "key-1", author: "bot", body: "hola otra vez" });
      expect(replay).toEqual({ created: false, message: first.message });
      const other = await o.enqueue({ key: "run-2:reply", customerId: "key-1", author: "bot", body: "hola" });
      expect(other.created).toBe(true);
      expect(other.message.id).not.toBe(first.message.id);
      expect(woken).toBe(2);
      expect((await o.recent("key-1")).map((m) => m.body)).toEqual(["hola", "hola"]);
    } finally {
      stop();
    }
  });

  it("a replay in a transaction sees the committed first; the first rolled back, the key is free again", async () => {
    const o = store().outbox;
    const first = await o.enqueue({ key: "tx-key", customerId: "key-2", author: "bot", body: "uno" });
    expect(await store().transaction((tx) => tx.outbox.enqueue({ key: "tx-key", customerId: "key-2", author: "bot", body: "uno" }))).toEqual({ created: false, message: first.message });
    await expect(
      store().transaction(async (tx) => {
        await tx.outbox.enqueue({ key: "tx-key-2", customerId: "key-2", author: "bot", body: "dos" });
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect((await o.enqueue({ key: "tx-key-2", customerId: "key-2", author: "bot", body: "dos" })).created).toBe(true);
  });

  it("concurrent enqueues of one key queue one message", async () => {
    const o = store().outbox;
    const all = await Promise.all(Array.from({ length: 6 }, () => o.enqueue({ key: "race-key", customerId: "key-3", author: "bot", body: "una" })));
    expect(all.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(all.map((r) => r.message.id)).size).toBe(1);
  });

  it("keeps each customer's latest address", async () => {
    const o = store().outbox;
    expect(await o.address("addr-1")).toBeUndefined();
    await o.setAddress("addr-1", "whatsapp", "whatsapp:+5215500000001");
    await o.setAddress("addr-1", "whatsapp", "whatsapp:+5215500000009");
    expect(await o.address("addr-1")).toEqual({ channel: "whatsapp", address: "whatsapp:+5215500000009" });
  });

  it("is due once its time has come and its customer has an address, with where to send it", async () => {
    const o = store().outbox;
    const m = await queued(o, "due-1", "ana", "uno");
    expect((await o.due(inAnHour())).map((x) => x.id)).not.toContain(m.id); // no address yet
    await o.setAddress("due-1", "whatsapp", "whatsapp:+5215500000002");
    expect((await o.due(inAnHour())).find((x) => x.id === m.id)).toEqual({ ...m, channel: "whatsapp", address: "whatsapp:+5215500000002" });
    expect((await o.due(new Date(Date.parse(m.next_attempt_at) - 1))).map((x) => x.id)).not.toContain(m.id);
  });

  it("is due only to a sender of its channel when the sender names its channels", async () => {
    const o = store().outbox;
    await o.setAddress("due-tg", "telegram", "123456789");
    const m = await queued(o, "due-tg", "bot", "hola");
    const ids = async (channels?: string[]) => (await o.due(inAnHour(), 1000, channels)).map((x) => x.id);
    expect(await ids(["telegram"])).toContain(m.id);
    expect(await ids(["whatsapp", "telegram"])).toContain(m.id);
    expect(await ids(["whatsapp"])).not.toContain(m.id);
    expect(await ids([])).toEqual([]);
    expect(await o.nextDue([])).toBeUndefined();
    expect((await o.nextDue(["telegram"]))!.getTime()).toBeLessThanOrEqual(Date.parse(m.next_attempt_at));
    await o.sent(m.id, "1");
  });

  it("a lease is a compare-and-set on the due time read: of two senders holding the same read, one wins", async () => {
    const o = store().outbox;
    await o.setAddress("lease-1", "whatsapp", "whatsapp:+5215500000003");
    const first = await queued(o, "lease-1", "ana", "una vez");
    const m = (await o.due(inAnHour(), 1000)).find((x) => x.id === first.id)!; // what each sender read
    const until = inAnHour();
    const won = await Promise.all([o.lease(m, until), o.lease(m, until)]);
    expect(won.sort()).toEqual([false, true]);
    expect((await o.get(m.id))!.next_attempt_at).toBe(until.toISOString());
    expect((await o.due(new Date())).map((x) => x.id)).not.toContain(m.id); // leased: not due before the lease ends
    expect(await o.lease(m, new Date())).toBe(false); // a stale read
  });

  it("records a sent message, a retry with its error, and a failure; the stored error has no phone number", async () => {
    const o = store().outbox;
    const a = await queued(o, "states-1", "ana", "a");
    await o.sent(a.id, "SM123");
    expect(await o.get(a.id)).toMatchObject({ status: "sent", attempts: 1, provider_id: "SM123", last_error: null, sent_at: expect.any(String) });

    const b = await queued(o, "states-1", "ana", "b");
    const at = new Date("2030-01-02T03:04:05.678Z");
    await o.retryAt(b.id, "twilio 503: try later", at);
    expect(await o.get(b.id)).toMatchObject({ status: "pending", attempts: 1, last_error: "twilio 503: try later", next_attempt_at: at.toISOString() });
    await o.failed(b.id, "The 'To' number whatsapp:+5215500000002 is not a valid phone number." + "x".repeat(400));
    const failed = (await o.get(b.id))!;
    expect(failed).toMatchObject({ status: "failed", attempts: 2 });
    expect(failed.last_error).not.toMatch(/5215500000002/);
    expect(failed.last_error!.length).toBeLessThanOrEqual(300);
  });

  it("keeps one customer's messages in order: none is due while an older one is pending, and nextDue says so", async () => {
    const o = store().outbox;
    await o.setAddress("order-1", "whatsapp", "whatsapp:+5215500000004");
    const first = await queued(o, "order-1", "ana", "1");
    const second = await queued(o, "order-1", "ana", "2");
    const dueIds = async (at: Date) => (await o.due(at, 1000)).filter((x) => x.customer_id === "order-1").map((x) => x.id);
    expect(await dueIds(inAnHour())).toEqual([first.id]);
    const retry = new Date(Date.now() + 7_200_000);
    await o.retryAt(first.id, "twilio 503", retry);
    expect(await dueIds(inAnHour())).toEqual([]); // the second waits behind the first's retry
    await o.failed(first.id, "twilio 400");
    expect(await dueIds(inAnHour())).toEqual([second.id]);
  });

  it("nextDue is the earliest due time of a message due could return", async () => {
    const o = store().outbox;
    // The other tests' messages are sent or failed here, so this test sees only its own.
    for (const m of await o.due(new Date(Date.now() + 86_400_000 * 365 * 10), 1000)) await o.sent(m.id, null);
    expect(await o.nextDue()).toBeUndefined();
    await queued(o, "next-nobody", "ana", "no address"); // never due: no address
    expect(await o.nextDue()).toBeUndefined();
    await o.setAddress("next-1", "whatsapp", "whatsapp:+5215500000005");
    const m = await queued(o, "next-1", "ana", "1");
    await queued(o, "next-1", "ana", "2");
    const at = new Date("2031-05-06T07:08:09.123Z");
    await o.retryAt(m.id, "later", at);
    expect((await o.nextDue())!.toISOString()).toBe(at.toISOString());
  });

  it("lists a customer's messages newest first and counts them by status", async () => {
    const o = store().outbox;
    const ids = [];
    for (const body of ["a", "b", "c"]) ids.push((await queued(o, "recent-1", "luis", body)).id);
    expect((await o.recent("recent-1")).map((m) => m.body)).toEqual(["c", "b", "a"]);
    expect((await o.recent("recent-1", 2)).map((m) => m.id)).toEqual([ids[2], ids[1]]);
    const counts = await o.countByStatus();
    expect(Object.keys(counts).sort()).toEqual(expect.arrayContaining(["pending"]));
    expect(Object.values(counts).every((n) => typeof n === "number")).toBe(true);
    expect(await o.pendingCount()).toBe(counts.pending);
    await o.sent(ids[0]!, null);
    expect(await o.countByStatus()).toEqual({ ...counts, pending: counts.pending! - 1, sent: (counts.sent ?? 0) + 1 });
  });
});
