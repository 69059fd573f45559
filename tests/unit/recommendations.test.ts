import { describe, expect, it } from "vitest";
import { pickConfidence, recommendations } from "../../src/sim/recommendations.js";

describe("the best template per cohort", () => {
  it("names it in words with its confidence over the runner-up", () => {
    const [r] = recommendations(
      [
        { context: "NVE/mecanica", arm: 0, n: 40, meanReward: 0.4, estimate: 0.4 },
        { context: "NVE/mecanica", arm: 3, n: 60, meanReward: 0.6, estimate: 0.6 },
        { context: "NVE/mecanica", arm: 1, n: 5, meanReward: 0.5, estimate: 0.5 },
      ],
      ["empatiko", "tecnico", "cupon", "escalar", "seguimiento"],
    );
    expect(r).toMatchObject({ template: "escalar", n: 60, context_n: 105, text: "NVE · mecánica → escalar (0.60, n=60)" });
    // Against tecnico (0.5, n=5), the runner-up by estimate, not against the better-pulled empatiko.
    expect(r!.confidence).toBeCloseTo(pickConfidence({ estimate: 0.6, n: 60 }, { estimate: 0.5, n: 5 }), 10);
  });

  it("grows with the margin and the pulls, and is a coin flip without a runner-up", () => {
    expect(pickConfidence({ estimate: 0.6, n: 10 }, undefined)).toBe(0.5);
    expect(pickConfidence({ estimate: 0.6, n: 10 }, { estimate: 0.6, n: 10 })).toBeCloseTo(0.5, 6);
    const few = pickConfidence({ estimate: 0.6, n: 10 }, { estimate: 0.5, n: 10 });
    const many = pickConfidence({ estimate: 0.6, n: 400 }, { estimate: 0.5, n: 400 });
    // z = 0.1 / (0.5·√(2/400)) ≈ 2.83 → 0.9977; z ≈ 0.447 → 0.6726.
    expect(few).toBeCloseTo(0.6726, 3);
    expect(many).toBeCloseTo(0.9977, 3);
  });
});
