import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.js";
import { openStore } from "../../src/store/open-store.js";

/** The query plans of lookups a request makes on tables that grow with every contact: none scans its table. */
describe("store indexes", () => {
  it("finds a thread's hand-off through an index (every Platform resume and delete asks)", () => {
    const db = openDb(":memory:");
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM handoffs WHERE thread_id = ? ORDER BY created_at DESC LIMIT 1")
      .all("t")
      .map((r) => (r as { detail: string }).detail);
    db.close();
    expect(plan.join("; ")).toMatch(/USING INDEX handoffs_by_thread/);
    expect(plan.join("; ")).not.toMatch(/TEMP B-TREE/);
  });
});

describe("the run queue's indexes", () => {
  it("a claim scans open runs only, and finds an earlier open run of the thread through an index", async () => {
    const db = openDb(":memory:");
    const seen: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((text: string) => (seen.push(text), prepare(text))) as typeof db.prepare;
    const store = await openStore({ sqlite: db });
    await store.runs.claim("w", 1000, 3);
    const claim = seen.find((s) => /from "runs" as "r"/.test(s))!;
    const plan = prepare(`EXPLAIN QUERY PLAN ${claim}`)
      .all(...claim.split("?").slice(1).map(() => "2000-01-01T00:00:00.000Z"))
      .map((r) => (r as { detail: string }).detail)
      .join("; ");
    await store.close();
    expect(plan).toMatch(/SCAN r USING INDEX runs_open\b/);
    expect(plan).toMatch(/SEARCH o USING INDEX runs_open_by_thread/);
  });

  it("the queue's stats (every scrape and readiness probe) read open runs and dead letters through their indexes", async () => {
    const db = openDb(":memory:");
    const seen: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((text: string) => (seen.push(text), prepare(text))) as typeof db.prepare;
    const store = await openStore({ sqlite: db });
    await store.runs.stats();
    const plans = seen
      .filter((s) => /from "runs"/.test(s))
      .map((q) => prepare(`EXPLAIN QUERY PLAN ${q}`).all(...q.split("?").slice(1).map(() => "pending")).map((r) => (r as { detail: string }).detail).join("; "));
    await store.close();
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan).toMatch(/USING (COVERING )?INDEX runs_(open|dead)\b/);
  });
});

describe("the support desk's indexes", () => {
  // A customer's open tickets (every support turn asks): through the customer, not through every open ticket.
  it("a customer's tickets, their notes and a customer's leads are read through indexes, in their order", async () => {
    const db = openDb(":memory:");
    const seen: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((text: string) => (seen.push(text), prepare(text))) as typeof db.prepare;
    const store = await openStore({ sqlite: db });
    await store.tickets.open({ customer_id: "c1", thread_id: null, channel: "api", issue_bucket: "mecanica", summary: "ruido" }, "k1");
    seen.length = 0;
    await store.tickets.byCustomer("c1", { status: "open" });
    await store.leads.byCustomer("c1");
    const plan = (table: string) => {
      const q = seen.find((s) => s.includes(`from "${table}"`))!;
      return prepare(`EXPLAIN QUERY PLAN ${q}`)
        .all(...q.split("?").slice(1).map(() => 1))
        .map((r) => (r as { detail: string }).detail)
        .join("; ");
    };
    const plans = { tickets: plan("tickets"), notes: plan("ticket_notes"), leads: plan("leads") };
    await store.close();
    expect(plans.tickets).toMatch(/USING INDEX tickets_by_customer/);
    expect(plans.notes).toMatch(/USING (COVERING )?INDEX ticket_notes_by_ticket/);
    expect(plans.leads).toMatch(/USING INDEX leads_by_customer/);
    for (const p of Object.values(plans)) expect(p).not.toMatch(/TEMP B-TREE/);
  });
});
