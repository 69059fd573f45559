import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { withRetry } from "../../src/models/retry.js";

describe("withRetry", () => {
  it("leaves no abort listener on the caller's signal once its waits are over", async () => {
    const controller = new AbortController();
    let calls = 0;
    const out = await withRetry(
      async () => {
        if (++calls < 4) throw Object.assign(new Error("busy"), { status: 503 });
        return "ok";
      },
      { retries: 5, baseMs: 1, maxMs: 2, signal: controller.signal },
    );
    expect(out).toBe("ok");
    expect(calls).toBe(4);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("still stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    const run = withRetry(
      async () => {
        throw Object.assign(new Error("busy"), { status: 503 });
      },
      // Aborted while it waits a minute before the second try.
      { retries: 5, baseMs: 60_000, maxMs: 60_000, signal: controller.signal, onRetry: () => setImmediate(() => controller.abort(new Error("caller went away"))) },
    );
    await expect(run).rejects.toThrow("caller went away");
  });
});
