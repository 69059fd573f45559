import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.js";

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
