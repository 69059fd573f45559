import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Driver } from "../../src/app/eval/check.js";
import { main } from "../../src/cli.js";

let out: string[] = [];
let err: string[] = [];
beforeAll(() => {
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
});
afterAll(() => vi.restoreAllMocks());

/** `care-graph eval golden …` over the real golden set, with this driver in place of the graph. */
async function evalGolden(driver: Driver, ...args: string[]) {
  out = [];
  err = [];
  let made = 0;
  const code = await main(["eval", "golden", ...args], { goldenDriver: async () => (made++, driver) });
  return { code, out: out.join("\n"), err: err.join("\n"), made };
}

// Greets and detects a greeting, whatever is asked: some greeting conversations pass, most of the set fails.
const greeter: Driver = async () => ({ reply: "¡Hola! ¿En qué te puedo ayudar?", turn: { intents: ["greeting"], tools: [] }, interrupted: false });

describe("care-graph eval golden", () => {
  it("prints the pass rate per category and exits 1 below the threshold", async () => {
    const r = await evalGolden(greeter, "--threshold", "0.8");
    expect(r.code).toBe(1);
    expect(r.made).toBe(1);
    expect(r.out).toMatch(/^greeting\s+6\s+\d+\.\d%/m);
    expect(r.out).toMatch(/^financing\s+13\s+0\.0%/m);
    expect(r.out).toMatch(/^all\s+98\s/m);
    expect(r.out).toMatch(/financing\/fin-versa-all-terms, turn 1: intent financing not detected/);
    expect(r.out).toMatch(/pass rate \d+\.\d% is below the threshold 80\.0%/);
  });

  it("exits 0 at or above the threshold", async () => {
    const r = await evalGolden(greeter, "--category", "greeting", "--threshold", "0");
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/^car_search/m);
    expect(r.out).toMatch(/meets the threshold 0\.0%/);
  });

  it("--k runs each conversation k times and holds pass^k to the threshold", async () => {
    const messages: string[] = [];
    const r = await evalGolden(async (_t, m) => (messages.push(m), greeter(_t, m)), "--category", "handoff", "--k", "2", "--threshold", "0.5");
    expect(r.code).toBe(1);
    expect(messages.filter((m) => m === "quiero hablar con un asesor")).toHaveLength(2);
    expect(r.out).toMatch(/pass\^2/);
    expect(r.out).toMatch(/pass\^2 0\.0% is below/);
  });

  it("bad flags exit 2, naming the flag", async () => {
    expect((await evalGolden(greeter, "--category", "weather")).code).toBe(2);
    expect(err.join("\n")).toMatch(/--category: .*"weather"/);
    expect((await evalGolden(greeter, "--threshold", "1.5")).code).toBe(2);
    expect(err.join("\n")).toMatch(/--threshold/);
    expect((await evalGolden(greeter, "--k", "0")).code).toBe(2);
    const r = await main(["eval", "silver"], { goldenDriver: async () => greeter });
    expect(r).toBe(2);
  });
});
