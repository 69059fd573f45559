import { describe, expect, it } from "vitest";
import { EnvironmentSpec } from "../../src/domain/environment.js";
import { rngFor } from "../../src/policy/random.js";
import { Environment } from "../../src/sim/environment.js";
import { loadEnvironment } from "../../src/store/assets.js";

describe("environment", () => {
  const env = new Environment(loadEnvironment());
  const ref = loadEnvironment().reference_results as { oracle_value: number; uniform_value: number };

  it("computes the reference instance's oracle and uniform values", () => {
    expect(env.oracleValue()).toBeCloseTo(ref.oracle_value, 3);
    expect(env.uniformValue()).toBeCloseTo(ref.uniform_value, 3);
  });

  it("rejects a malformed instance naming the field", () => {
    const spec = structuredClone(loadEnvironment()) as Record<string, any>;
    delete spec.mean["VE/mecanica"];
    const r = EnvironmentSpec.safeParse(spec);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["mean", "VE/mecanica"]);
    spec.mean["VE/mecanica"] = [0.1, 0.2];
    expect(EnvironmentSpec.safeParse(spec).error!.issues[0]!.message).toMatch(/5 arm means/);
  });

  it("draws contexts with the instance's frequencies", () => {
    const rng = rngFor(1, "ctx");
    let ve = 0;
    for (let i = 0; i < 20_000; i++) if (env.sampleContext(rng).startsWith("VE/")) ve++;
    expect(ve / 20_000).toBeCloseTo(0.2, 1);
  });
});
