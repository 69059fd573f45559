import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { experimentOnGraph } from "../../src/app/experiment.js";
import { linkedSignal } from "../../src/sim/linked-signal.js";
import { forgeCustomers } from "../../src/sim/persona-forge.js";
import { loadEnvironment } from "../../src/store/assets.js";
import { corpus, testRuntime } from "../helpers/runtime.js";

describe("an experiment's cancel signal", () => {
  let rt: CareRuntime;
  beforeAll(async () => {
    rt = await testRuntime({ seed: 3, customers: [] });
  });
  afterAll(() => rt.close());

  it("holds no listeners once the experiment is over, however many contacts ran", async () => {
    const controller = new AbortController();
    await experimentOnGraph(rt, {
      experimentId: "listeners",
      customers: forgeCustomers({ n: 40, seed: 3 }, corpus),
      iterations: 2,
      policy: "thompson",
      topN: 40,
      concurrency: 4,
      environment: loadEnvironment(),
      params: {},
      signal: controller.signal,
    });
    // 160 graph runs listened on it; a listener left per run would pile up over a long experiment.
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("a linked signal aborts with its parent, and lets go of it when released", () => {
    const parent = new AbortController();
    const a = linkedSignal(parent.signal);
    const b = linkedSignal(parent.signal);
    b.release();
    expect(getEventListeners(parent.signal, "abort")).toHaveLength(1);
    parent.abort(new Error("cancelled"));
    expect(a.signal!.aborted).toBe(true);
    expect((a.signal!.reason as Error).message).toBe("cancelled");
    expect(b.signal!.aborted).toBe(false);
    expect(linkedSignal(parent.signal).signal!.aborted).toBe(true);
    expect(linkedSignal(undefined).signal).toBeUndefined();
  });
});
