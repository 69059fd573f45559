import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import type { LanggraphEngine } from "../../src/app/runs/engine.js";
import { executeRun } from "../../src/app/runs/execute.js";
import { submitRun } from "../../src/app/runs/submit.js";
import type { RunRecord } from "../../src/store/ports.js";
import { customer, testRuntime } from "../helpers/runtime.js";

/**
 * A worker that finished a contact (its thread done, its reply queued) and died before telling the queue:
 * the run is taken again, and its second attempt must answer that contact, not refuse the thread as
 * completed, and send nothing twice. (Seen in the distributed run: tests/integration/distributed.test.ts.)
 */
describe("a run redelivered after its contact finished", () => {
  let rt: CareRuntime;
  beforeAll(async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "calm", segment: "VF", first_message: "¿Cuándo llega mi auto?", churn_risk_est: 0.1, issue_bucket: "logistica" })] });
  });
  afterAll(() => rt.close());

  const execute = (run: RunRecord) => executeRun(run, { rt, engine: undefined as unknown as LanggraphEngine, emit: async () => {}, signal: new AbortController().signal });

  /** The run's next take, by another worker, once the first one's lease (1 ms) has lapsed. */
  const retaken = () => vi.waitFor(async () => (await rt.store.runs.claim("second", 60_000, 3)) ?? Promise.reject(new Error("not yet")), { timeout: 2_000, interval: 5 });

  it("answers the first attempt's outcome, with one interaction and one outbound message", async () => {
    const sid = `SM${randomUUID().replace(/-/g, "")}`;
    const threadId = randomUUID();
    const queued = await rt.store.transaction(async (tx) => {
      await tx.inbound.claim(sid, "calm", threadId, "¿Cuándo llega mi auto?");
      await tx.outbox.setAddress("calm", "whatsapp", "whatsapp:+5215512345678");
      return submitRun(tx, { thread_id: threadId, multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: "calm", message: "¿Cuándo llega mi auto?", context: {}, channel: { message_sid: sid } } });
    });
    const first = (await rt.store.runs.claim("first", 1, 3))!;
    expect(first.run_id).toBe(queued.run_id);
    const done = await execute(first);
    // ...and the first worker dies here, before runs.finish.

    const second = await retaken();
    expect(second).toMatchObject({ run_id: queued.run_id, attempts: 2 });
    const again = await execute(second);
    expect(again.status).toBe("success");
    expect(again.output).toEqual(done.output);
    expect(await rt.store.interactions.list({})).toHaveLength(1);
    expect(await rt.store.outbox.countByStatus()).toEqual({ pending: 1 });
    expect(await rt.store.inbound.get(sid)).toMatchObject({ status: "answered" });
  });
});
