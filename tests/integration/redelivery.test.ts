import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { executeRun } from "../../src/app/runs/execute.js";
import { langgraphEngine, threadOf } from "../../src/app/runs/engine.js";
import { servedGraphs } from "../../src/app/runs/graphs.js";
import { createLogger } from "../../src/app/logger.js";
import { startRunService } from "../../src/app/runs/service.js";
import { submitRun } from "../../src/app/runs/submit.js";
import { RunWorker, WorkerOptions } from "../../src/app/runs/worker.js";
import { customer, testRuntime } from "../helpers/runtime.js";

let rt: CareRuntime;
afterEach(async () => rt?.close());

/** A run as a worker takes it (attempt `attempts`), executed to its end. */
async function execute(run: Awaited<ReturnType<typeof submitRun>>, attempts: number) {
  const engine = langgraphEngine(rt, servedGraphs(rt));
  return executeRun({ ...run, status: "running", attempts }, { rt, engine, signal: new AbortController().signal, emit: async () => undefined });
}

describe("a run executed again after its worker died past the contact's end", () => {
  it("a contact: one interaction, the same outcome", async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "C1" })] });
    const run = await submitRun(rt.store, { thread_id: randomUUID(), multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: "C1", context: {} } });
    const first = await execute(run, 1);
    const again = await execute(run, 2);
    expect(again).toMatchObject({ status: "success" });
    expect((again.output as any).interaction_id).toBe((first.output as any).interaction_id);
    expect(await rt.store.interactions.list()).toHaveLength(1);
  });

  it("a contact handed to a person: handed off again, not refused", async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." })] });
    const run = await submitRun(rt.store, { thread_id: randomUUID(), multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: "legal", context: {} } });
    const first = await execute(run, 1);
    expect((first.output as any).status).toBe("handed_off");
    const again = await execute(run, 2);
    expect(again).toMatchObject({ status: "success", output: { status: "handed_off", interaction_id: (first.output as any).interaction_id } });
  });

  it("a person's answer: delivered once, and the run a success, not 'already resolved'", async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." })] });
    const contact = await submitRun(rt.store, { thread_id: randomUUID(), multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: "legal", context: {} } });
    const id = ((await execute(contact, 1)).output as any).interaction_id as string;
    expect(await rt.store.handoffs.claim(id, "ana")).toBe("claimed");
    await rt.store.ownership.takeOver("legal", "ana");
    const answer = await submitRun(rt.store, { thread_id: contact.thread_id, multitask_strategy: "enqueue", kwargs: { kind: "resolve", interaction_id: id, agent: "ana", response: { type: "response", args: "Hola, te llamo hoy mismo. — Ana" } } });
    const first = await execute(answer, 1);
    expect(first).toMatchObject({ status: "success", output: { status: "completed" } });
    const again = await execute(answer, 2);
    expect(again).toMatchObject({ status: "success", output: { interaction_id: id, status: "completed", reply: "Hola, te llamo hoy mismo. — Ana" } });
  });

  it("a LangGraph-route run: the thread's values, not a refusal", async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "C1" })] });
    const threadId = randomUUID();
    await rt.store.threads.upsert(threadId, "patch", threadOf("care"));
    const run = await submitRun(rt.store, { thread_id: threadId, assistant_id: "care", multitask_strategy: "enqueue", kwargs: { kind: "platform", payload: { assistant_id: "care", input: { customer_id: "C1" } } } });
    const first = await execute(run, 1);
    expect(first.status).toBe("success");
    const again = await execute(run, 2);
    expect(again).toMatchObject({ status: "success", output: { interaction_id: (first.output as any).interaction_id } });
    expect(await rt.store.interactions.list()).toHaveLength(1);
  });
});

describe("a run whose worker died on its last attempt", () => {
  it("is dead-lettered when next taken, and closed: its thread and its WhatsApp message failed, its joiners told", async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "C1" })] });
    const threadId = randomUUID();
    await rt.store.inbound.claim("SM-dead", "C1", threadId, "hola");
    const run = await submitRun(rt.store, { thread_id: threadId, multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: "C1", context: {}, channel: { message_sid: "SM-dead" } } });
    // Its only attempt: taken, the contact begun, and the worker gone (its lease already lapsed).
    await rt.store.runs.claim("dead-worker", -1_000, 1);
    await rt.store.threads.upsert(threadId, "patch", { customer_id: "C1", status: "running" });

    const { watcher } = startRunService(rt, { worker: WorkerOptions.parse({ maxAttempts: 1, pollMs: 20 }), log: createLogger({ level: "silent" }) });
    expect(await watcher.end(run.run_id)).toMatchObject({ status: "error", error: { message: expect.stringContaining("dead-lettered after 1 attempts") } });
    await vi.waitFor(async () => {
      expect((await rt.store.runs.get(run.run_id))?.dead_at).not.toBeNull();
      expect((await rt.store.threads.get(threadId))?.metadata.status).toBe("failed");
      expect((await rt.store.inbound.get("SM-dead"))?.status).toBe("failed");
    });
  });
});

describe("a LangGraph-route run that ends in an error", () => {
  it("keeps the error masked in its events and its end: a card number quoted by a failure is not stored", async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "C1" })] });
    const threadId = randomUUID();
    const run = await submitRun(rt.store, { thread_id: threadId, assistant_id: "care", multitask_strategy: "enqueue", kwargs: { kind: "platform", payload: { assistant_id: "care", input: { customer_id: "C1" } } } });
    // The embedded server answers a failure as an `error` event quoting what it failed on.
    const failure = JSON.stringify({ error: "ProviderError", message: "could not score: mi tarjeta 4111 1111 1111 1111" });
    const engine = { request: async () => new Response(`event: error\ndata: ${failure}\n\n`) } as never;
    const emitted: unknown[] = [];
    const end = await executeRun({ ...run, status: "running", attempts: 1 }, { rt, engine, signal: new AbortController().signal, emit: async (_e, data) => void emitted.push(data) });
    expect(end).toMatchObject({ status: "error", error: { name: "ProviderError" } });
    expect(JSON.stringify([end, emitted])).not.toContain("4111");
    expect(end.error!.message).toContain("could not score");
  });
});

describe("a worker whose own run's lease lapsed while it executes it", () => {
  it("takes it back and goes on with the execution under way: the run is not executed twice", async () => {
    rt = await testRuntime({ customers: [customer({ customer_id: "C1" })] });
    const threadId = randomUUID();
    const run = await submitRun(rt.store, { thread_id: threadId, assistant_id: "care", multitask_strategy: "enqueue", kwargs: { kind: "platform", payload: { assistant_id: "care", input: { customer_id: "C1" } } } });
    // The database refuses every renewal, so the lease lapses while the embedded server holds the run.
    vi.spyOn(rt.store.runs, "renew").mockRejectedValue(new Error("connection reset"));
    let requests = 0;
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    const engine = {
      request: async () => {
        requests++;
        await answered;
        return new Response(`event: values\ndata: {}\n\n`);
      },
    } as never;
    const claims: number[] = [];
    const worker = new RunWorker(rt, engine, WorkerOptions.parse({ leaseMs: 200, pollMs: 20 }), createLogger({ level: "silent" }), { runClaimed: (r) => void claims.push(r.attempts) });
    await worker.start();
    await vi.waitFor(async () => expect((await rt.store.runs.get(run.run_id))?.attempts).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    answer();
    await vi.waitFor(async () => expect((await rt.store.runs.get(run.run_id))?.status).toBe("success"));
    await worker.stop(0);
    expect(requests).toBe(1);
    expect(claims).toEqual([1]);
  });
});

describe("a worker stopped while a run is under way", () => {
  it("leaves the run to its lease (no failed attempt, no retry delay); another worker finishes it", async () => {
    const { FakeOpenAI } = await import("../helpers/fake-openai.js");
    const fake = await new FakeOpenAI().start();
    try {
      fake.otherwise({ kind: "hang" });
      rt = await testRuntime({
        customers: [customer({ customer_id: "C1" })],
        models: { baseUrl: fake.url, apiKey: "k", writerModel: "w", judgeModel: "j", maxRetries: 0, retryBaseMs: 5, timeoutMs: 60_000 },
      });
      const run = await submitRun(rt.store, { thread_id: randomUUID(), multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: "C1", context: {} } });
      const log = createLogger({ level: "silent" });
      const first = startRunService(rt, { worker: WorkerOptions.parse({ leaseMs: 600, pollMs: 20 }), log });
      await vi.waitFor(() => expect(fake.requests.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
      await first.stop(0);
      const left = (await rt.store.runs.get(run.run_id))!;
      expect(left).toMatchObject({ status: "running", attempts: 1, error: null });

      fake.otherwise({ kind: "content", content: "Hola, te confirmamos la fecha de entrega en menos de 24 horas. — Equipo Kavak" });
      const second = startRunService(rt, { worker: WorkerOptions.parse({ leaseMs: 600, pollMs: 20 }), log });
      expect(await second.watcher.end(run.run_id)).toMatchObject({ status: "success" });
      expect((await rt.store.runs.get(run.run_id))!.attempts).toBe(2);
      expect(await rt.store.interactions.list()).toHaveLength(1);
    } finally {
      await fake.stop();
    }
  });
});
