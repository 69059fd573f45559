import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Driver } from "../../src/app/eval/check.js";
import { main } from "../../src/cli.js";

let out: string[] = [];
let err: string[] = [];
beforeAll(() => {
  // Offline whatever the machine's environment: the scripted customer and the rule judge.
  vi.stubEnv("OPENAI_API_KEY", undefined);
  vi.stubEnv("OPENAI_BASE_URL", undefined);
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
});
afterAll(() => (vi.restoreAllMocks(), vi.unstubAllEnvs()));

/** `care-graph eval simulate …` over the shipped scenarios, with this driver in place of the graph. */
async function evalSimulate(driver: Driver, ...args: string[]) {
  out = [];
  err = [];
  const code = await main(["eval", "simulate", ...args], { goldenDriver: async () => driver });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

// Answers company questions from the knowledge base and nothing else: the company_info goals are met, no other.
const infoDesk: Driver = async () => ({
  reply: "Cada auto incluye 3 meses de garantía mecánica. Tienes 7 días o 300 km para devolverlo. Tenemos hubs en Monterrey.",
  turn: { intents: ["company_info"], tools: [{ name: "search_knowledge" }] },
  interrupted: false,
});

describe("care-graph eval simulate", () => {
  it("prints each scenario and the totals, and exits 1 below the goal-rate threshold", async () => {
    const r = await evalSimulate(infoDesk, "--threshold", "0.5");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^info-warranty\s+company_info\s+yes\s+1\s+no\s+goal\s+10\.0$/m);
    expect(r.out).toMatch(/^fin-jetta-48-20pct\s+financing\s+no\s+6\s+no\s+turn_limit\s/m);
    expect(r.out).toMatch(/scenarios, judge rules: goal rate \d+\.\d%, mean turns \d+\.\d, hand-off rate 0\.0%, mean score \d+\.\d\/10/);
    expect(r.out).toMatch(/goal rate \d+\.\d% is below the threshold 50\.0%/);
  });

  it("--scenario runs one, and exits 0 at or above the threshold", async () => {
    const r = await evalSimulate(infoDesk, "--scenario", "info-warranty", "--threshold", "1");
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/^fin-/m);
    expect(r.out).toMatch(/^1 scenarios, judge rules: goal rate 100\.0%/m);
  });

  it("bad flags exit 2, naming the flag", async () => {
    expect((await evalSimulate(infoDesk, "--scenario", "nope")).code).toBe(2);
    expect(err.join("\n")).toMatch(/--scenario: no scenario "nope"/);
    expect((await evalSimulate(infoDesk, "--threshold", "2")).code).toBe(2);
    expect(err.join("\n")).toMatch(/--threshold/);
    expect((await evalSimulate(infoDesk, "--seed", "x")).code).toBe(2);
  });
});
