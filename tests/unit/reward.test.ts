import { describe, expect, it } from "vitest";
import { reward } from "../../src/domain/reward.js";

describe("reward", () => {
  it("is 0.6·NPS/10 + 0.3·engagement − 0.3·churn", () => {
    expect(reward({ nps_expected: 8, engagement_prob: 0.5, churn_prob: 0.2 })).toBeCloseTo(0.48 + 0.15 - 0.06, 10);
  });

  it("clips to [0, 1]", () => {
    expect(reward({ nps_expected: 0, engagement_prob: 0, churn_prob: 1 })).toBe(0);
    expect(reward({ nps_expected: 10, engagement_prob: 1, churn_prob: 0 }, { nps: 1, engagement: 1, churn: 0 })).toBe(1);
  });

  it("does not saturate for an ordinary good message (the hackathon formula did)", () => {
    const r = reward({ nps_expected: 8, engagement_prob: 0.7, churn_prob: 0.1 });
    expect(r).toBeGreaterThan(0.5);
    expect(r).toBeLessThan(1);
  });

  it("takes configurable weights", () => {
    expect(reward({ nps_expected: 10, engagement_prob: 0, churn_prob: 0 }, { nps: 0.2, engagement: 0, churn: 0 })).toBeCloseTo(0.2);
  });
});
