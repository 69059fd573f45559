import { expect, it } from "vitest";
import { customer } from "../helpers/runtime.js";
import { contract } from "./backends.js";

contract("CustomerStore", (store) => {
  it("upserts customers, masking card and phone numbers in their free text", async () => {
    const c = customer({ customer_id: "cust-1", first_message: "Me cobraron dos veces en la tarjeta 4111 1111 1111 1111, llámenme al 55 1234 5678." });
    expect(await store().customers.upsertMany([c, customer({ customer_id: "cust-2", segment: "NVF", is_vocal: false, first_message: "" })])).toBe(2);
    const stored = (await store().customers.get("cust-1"))!;
    expect(stored).toEqual({ ...c, first_message: expect.any(String) });
    expect(stored.first_message).not.toMatch(/4111 1111|1234 5678/);
    expect((await store().customers.get("cust-2"))!.is_vocal).toBe(false);
    await store().customers.upsertMany([{ ...c, past_nps: 9, first_message: "Ya todo bien." }]);
    expect(await store().customers.get("cust-1")).toMatchObject({ past_nps: 9, first_message: "Ya todo bien." });
    expect(await store().customers.get("no-such")).toBeUndefined();
  });

  it("given one id twice in a batch, keeps the last", async () => {
    const first = customer({ customer_id: "twice-1", past_nps: 1 });
    expect(await store().customers.upsertMany([first, { ...first, past_nps: 7 }])).toBe(2);
    expect(await store().customers.get("twice-1")).toMatchObject({ past_nps: 7 });
  });

  it("writes all or nothing: one bad record and none is stored", async () => {
    const bad = { ...customer({ customer_id: "batch-bad" }), price: -1 };
    await expect(store().customers.upsertMany([customer({ customer_id: "batch-ok" }), bad])).rejects.toThrow(/price/);
    expect(await store().customers.get("batch-ok")).toBeUndefined();
  });

  it("lists in id order by segment, with a limit and an offset, and counts what list would return", async () => {
    const many = Array.from({ length: 600 }, (_, i) => customer({ customer_id: `page-${String(i).padStart(3, "0")}`, segment: "VF" }));
    await store().customers.upsertMany(many); // more rows than one insert statement takes
    const total = await store().customers.count();
    expect(await store().customers.count({ segment: "VF" })).toBe(600);
    expect((await store().customers.list()).length).toBe(total);
    const vf = await store().customers.list({ segment: "VF", limit: 3, offset: 598 });
    expect(vf.map((c) => c.customer_id)).toEqual(["page-598", "page-599"]);
    expect((await store().customers.list({ segment: "VF", offset: 599 })).map((c) => c.customer_id)).toEqual(["page-599"]);
    expect((await store().customers.list({ segment: "VF", limit: 2 })).map((c) => c.customer_id)).toEqual(["page-000", "page-001"]);
  });
});

contract("AuditLog", (store) => {
  it("lists a subject's entries oldest first, and the latest of all first", async () => {
    const a = store().audit;
    await a.record("ana", "handoff.claim", "audit-1", { handoff: "h1", nested: { ok: true } });
    await a.record("ana", "handoff.resolve", "audit-1");
    await a.record("luis", "policy.freeze", "audit-2");
    expect((await a.list("audit-1")).map((e) => [e.actor, e.action, e.subject, e.detail])).toEqual([
      ["ana", "handoff.claim", "audit-1", { handoff: "h1", nested: { ok: true } }],
      ["ana", "handoff.resolve", "audit-1", {}],
    ]);
    const latest = await a.list(undefined, 2);
    expect(latest.map((e) => e.action)).toEqual(["policy.freeze", "handoff.resolve"]);
    expect(latest[0]).toMatchObject({ id: expect.any(Number), at: expect.stringMatching(/Z$/) });
    expect(await a.list("audit-1", 1)).toHaveLength(1);
  });
});

contract("InboundMessages", (store) => {
  it("records a message once by its sid, masked; a retried webhook gets the earlier record", async () => {
    const m = store().inbound;
    expect(await m.claim("SM-1", "in-1", "thread-1", "Mi número es 55 1234 5678")).toBeUndefined();
    expect(await m.claim("SM-1", "in-1", "thread-1", "Mi número es 55 1234 5678")).toEqual({
      message_sid: "SM-1",
      customer_id: "in-1",
      thread_id: "thread-1",
      status: "received",
      reply: null,
    });
    await m.finish("SM-1", "answered", "Hola");
    expect(await m.get("SM-1")).toMatchObject({ status: "answered", reply: "Hola" });
    expect(await m.get("SM-none")).toBeUndefined();
    const [recent] = await m.recent("in-1");
    expect(recent).toMatchObject({ message_sid: "SM-1", status: "answered", received_at: expect.stringMatching(/Z$/) });
    expect(recent!.body).not.toMatch(/1234 5678/);
  });

  it("knows when a customer last wrote, and lists newest first", async () => {
    const m = store().inbound;
    expect(await m.lastReceivedAt("in-2")).toBeUndefined();
    const before = Date.now();
    await m.claim("SM-2a", "in-2", "thread-2", "uno");
    const last = (await m.lastReceivedAt("in-2"))!;
    expect(last.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(last.toISOString()).toBe((await m.recent("in-2"))[0]!.received_at);
    expect(await m.recent("in-2", 0)).toEqual([]);
  });
});

contract("ExperimentStore", (store) => {
  it("creates, finishes and lists experiments newest first", async () => {
    const e = store().experiments;
    await e.create("exp-1", { customers: 200, policy: "thompson" });
    expect(await e.get("exp-1")).toEqual({
      experiment_id: "exp-1",
      params: { customers: 200, policy: "thompson" },
      status: "running",
      summary: null,
      started_at: expect.stringMatching(/Z$/),
      finished_at: null,
    });
    await e.finish("exp-1", "done", { lift: 0.12 });
    expect(await e.get("exp-1")).toMatchObject({ status: "done", summary: { lift: 0.12 }, finished_at: expect.stringMatching(/Z$/) });
    expect(await e.get("no-such")).toBeUndefined();
    expect((await e.list()).map((x) => x.experiment_id)).toContain("exp-1");
    expect(await e.list(0)).toEqual([]);
  });

  it("fails the experiments a previous process left running, and counts them", async () => {
    const e = store().experiments;
    await e.create("exp-left-1", {});
    await e.create("exp-left-2", {});
    expect(await e.failInterrupted()).toBe(2);
    expect(await e.get("exp-left-1")).toMatchObject({ status: "failed", summary: { error: expect.stringMatching(/^interrupted/) } });
    expect(await e.failInterrupted()).toBe(0);
  });
});

contract("ThreadStore", (store) => {
  it("put replaces the metadata, patch merges it; both create the thread", async () => {
    const t = store().threads;
    const created = await t.upsert("th-1", "patch", { graph_id: "care", n: 1 });
    expect(created).toEqual({ thread_id: "th-1", metadata: { graph_id: "care", n: 1 }, status: "idle", created_at: expect.stringMatching(/Z$/), updated_at: expect.stringMatching(/Z$/) });
    expect(await t.upsert("th-1", "patch", { n: 2, status: "done" })).toMatchObject({ metadata: { graph_id: "care", n: 2, status: "done" }, created_at: created.created_at });
    expect((await t.upsert("th-1", "put", { only: true })).metadata).toEqual({ only: true });
    expect((await t.upsert("th-2", "put")).metadata).toEqual({});
    await t.delete("th-2");
    expect(await t.get("th-2")).toBeUndefined();
  });

  it("concurrent patches of one thread all land", async () => {
    const t = store().threads;
    await Promise.all(Array.from({ length: 8 }, (_, i) => t.upsert("th-race", "patch", { [`k${i}`]: i })));
    expect((await t.get("th-race"))!.metadata).toEqual(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, i])));
  });

  it("searches by equality on top-level metadata keys, sorted and paged, with the total", async () => {
    const t = store().threads;
    for (const [id, meta] of [
      ["s-1", { customer_id: "C1", n: 1, flag: true }],
      ["s-2", { customer_id: "C1", n: 2, flag: false }],
      ["s-3", { customer_id: "C2", n: 1, flag: true }],
    ] as const)
      await t.upsert(id, "put", { ...meta, suite: "search" });
    const search = (metadata: Record<string, unknown>, o: { limit?: number; offset?: number; sortOrder?: "asc" | "desc" } = {}) =>
      t.search({ metadata: { suite: "search", ...metadata }, limit: o.limit ?? 10, offset: o.offset ?? 0, sortBy: "created_at", sortOrder: o.sortOrder ?? "asc" });
    const ids = (r: Awaited<ReturnType<typeof search>>) => r.threads.map((x) => x.thread_id);
    expect(ids(await search({ customer_id: "C1" }))).toEqual(["s-1", "s-2"]);
    expect(ids(await search({ n: 1 }))).toEqual(["s-1", "s-3"]);
    expect(ids(await search({ flag: true }))).toEqual(["s-1", "s-3"]);
    expect(ids(await search({ customer_id: "C1", n: 2 }))).toEqual(["s-2"]);
    expect(await search({ customer_id: "C9" })).toEqual({ total: 0, threads: [] });
    const page = await search({}, { limit: 1, offset: 1, sortOrder: "desc" });
    expect(page.total).toBe(3);
    expect(page.threads).toHaveLength(1);
    expect(await search({ "bad key'": 1 })).toEqual({ total: 0, threads: [] });
  });

  it("derives each thread's status from its open runs and its bookkeeping, and searches by it and by ids", async () => {
    const t = store().threads;
    for (const [id, status] of [
      ["st-idle", undefined],
      ["st-running", "running"],
      ["st-waiting", "interrupted"],
      ["st-failed", "failed"],
      ["st-queued", "done"],
    ] as const)
      await t.upsert(id, "put", { suite: "status", ...(status && { status }) });
    await store().runs.enqueue({ run_id: "st-run", thread_id: "st-queued", assistant_id: "care", multitask_strategy: "enqueue", kwargs: {}, metadata: {} });
    const statusOf = async (id: string) => (await t.get(id))!.status;
    expect(await Promise.all(["st-idle", "st-running", "st-waiting", "st-failed", "st-queued"].map(statusOf))).toEqual(["idle", "busy", "interrupted", "error", "busy"]);
    const search = (o: { status?: "idle" | "busy" | "interrupted" | "error"; ids?: string[]; limit?: number }) =>
      t.search({ metadata: { suite: "status" }, limit: o.limit ?? 10, offset: 0, sortBy: "created_at", sortOrder: "asc", ...o });
    const busy = await search({ status: "busy", limit: 1 });
    expect(busy.total).toBe(2);
    expect(busy.threads.map((x) => x.status)).toEqual(["busy"]);
    expect((await search({ status: "busy" })).threads.map((x) => x.thread_id).sort()).toEqual(["st-queued", "st-running"]);
    expect((await search({ status: "idle" })).threads.map((x) => x.thread_id)).toEqual(["st-idle"]);
    expect((await search({ status: "error" })).threads.map((x) => x.thread_id)).toEqual(["st-failed"]);
    expect((await search({ ids: ["st-idle", "st-failed", "nope"] })).threads.map((x) => x.thread_id).sort()).toEqual(["st-failed", "st-idle"]);
    expect(await search({ ids: [] })).toEqual({ total: 0, threads: [] });
    expect((await search({ ids: ["st-idle", "st-queued"], status: "busy" })).threads.map((x) => x.thread_id)).toEqual(["st-queued"]);
    // The run over, the thread is what its bookkeeping says.
    await store().runs.cancel("st-queued", "st-run", "test");
    expect(await statusOf("st-queued")).toBe("idle");
  });
});
