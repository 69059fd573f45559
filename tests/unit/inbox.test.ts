import { describe, expect, it } from "vitest";
import { EscalationReason } from "../../src/domain/conversation.js";
import { InboxSettings, slaLevel, waitText } from "../../src/domain/inbox.js";
import { loadCannedReplies, loadInboxSettings } from "../../src/store/assets.js";
import { SlaClock } from "../../src/server/pages/inbox/queue.js";

const sla = { amber_minutes: 5, red_minutes: 15 };
const MIN = 60_000;

describe("the inbox's SLA clock", () => {
  it("turns amber at the amber threshold and red at the red one", () => {
    expect([0, 4.99, 5, 14.99, 15, 600].map((m) => slaLevel(m * MIN, sla))).toEqual(["ok", "ok", "amber", "amber", "red", "red"]);
  });

  it("renders the wait with its level, from the created time and the clock it is given", () => {
    const now = Date.parse("2026-12-08T12:00:00.000Z");
    const at = (minutesAgo: number) => String(SlaClock({ since: new Date(now - minutesAgo * MIN).toISOString(), sla, now }));
    expect(at(1)).toContain('data-sla="ok"');
    expect(at(6)).toContain("badge-amber");
    expect(at(6)).toContain("6 min");
    expect(at(90)).toContain("badge-red");
    expect(at(90)).toContain("1 h 30 min");
  });

  it("words a wait as a person reads it", () => {
    expect([45_000, 12 * MIN, 185 * MIN, 52 * 60 * MIN].map(waitText)).toEqual(["45 s", "12 min", "3 h 05 min", "2 d 4 h"]);
  });
});

describe("the inbox's data files", () => {
  it("load: thresholds in order, every escalation reason named, canned replies with unique ids", () => {
    const s = loadInboxSettings();
    expect(s.sla.amber_minutes).toBeLessThan(s.sla.red_minutes);
    for (const reason of EscalationReason.options) expect(s.reasons[reason], reason).toBeTruthy();
    expect(loadCannedReplies().length).toBeGreaterThan(3);
  });

  it("refuses amber at or after red", () => {
    expect(InboxSettings.safeParse({ ...loadInboxSettings(), sla: { amber_minutes: 15, red_minutes: 15 } }).success).toBe(false);
  });
});
