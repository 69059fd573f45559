import { describe, expect, it } from "vitest";
import { activeTask, clearSlots, fillSlots, finishOneTurnTasks, openTasks, resumeTask } from "../../src/agents/conversation/dialog.js";
import { EMPTY_DIALOG } from "../../src/domain/conversation.js";

describe("dialog stack", () => {
  it("keeps the active task, suspends it under a digression and resumes it when the digression is done", () => {
    let d = openTasks(EMPTY_DIALOG, ["car_search"], 1);
    d = openTasks(d, ["car_search"], 2);
    expect(d.stack).toEqual([{ kind: "car_search", status: "active", opened_turn: 1 }]);
    d = openTasks(d, ["company_info"], 3);
    expect(d.stack.map((t) => [t.kind, t.status])).toEqual([["car_search", "suspended"], ["company_info", "active"]]);
    const { dialog, resumed } = resumeTask(finishOneTurnTasks(d));
    expect(resumed).toEqual({ kind: "car_search", status: "active", opened_turn: 1 });
    expect(activeTask(dialog)?.kind).toBe("car_search");
    expect(resumeTask(dialog).resumed).toBeUndefined();
  });

  it("brings a task further down back to the top instead of pushing it twice", () => {
    let d = openTasks(EMPTY_DIALOG, ["car_search", "financing"], 1);
    d = openTasks(d, ["car_search"], 2);
    expect(d.stack.map((t) => [t.kind, t.status])).toEqual([["financing", "suspended"], ["car_search", "active"]]);
  });

  it("overrides slots with newer values, one kind of down payment at a time", () => {
    let s = fillSlots({}, { term_months: 48, down_payment_pct: 0.2 });
    s = fillSlots(s, { term_months: 60, down_payment_cents: undefined });
    expect(s).toEqual({ term_months: 60, down_payment_pct: 0.2 });
    s = fillSlots(s, { down_payment_cents: 5_000_000 });
    expect(s).toEqual({ term_months: 60, down_payment_cents: 5_000_000 });
    expect(clearSlots(s, ["term_months"])).toEqual({ down_payment_cents: 5_000_000 });
  });
});
