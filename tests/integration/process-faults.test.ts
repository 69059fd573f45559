import { describe, expect, it, vi } from "vitest";
import { beginResume, failRun, ResumeInProgressError, runContact, runOnThread, ThreadInUseError } from "../../src/app/contacts.js";
import { createLogger } from "../../src/app/logger.js";
import { bookkeptGraph } from "../../src/app/streamed-runs.js";
import { ServerConfig, startServer } from "../../src/server/serve.js";
import { customer, ctx, testRuntime } from "../helpers/runtime.js";

/** Faults that must not take the process down, nor leak from one runtime into another. */
describe("faults in the background", () => {
  it("logs a worker that cannot read the run queue, and keeps serving", async () => {
    const rt = await testRuntime();
    const lines: string[] = [];
    vi.spyOn(rt.store.runs, "claim").mockImplementation(() => {
      throw new Error("SQLITE_IOERR: disk I/O error");
    });
    const server = await startServer(rt, ServerConfig.parse({ port: 0 }), createLogger({ level: "error", destination: { write: (l: string) => void lines.push(l) } }));
    try {
      await vi.waitFor(() =>
        expect(lines.map((l) => JSON.parse(l))).toContainEqual(
          expect.objectContaining({ msg: "could not take runs from the queue", err: expect.objectContaining({ message: "SQLITE_IOERR: disk I/O error" }) }),
        ),
      );
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
      await rt.close();
    }
  });

  it("a streamed run whose graph fails to start, and whose failure cannot be recorded, rejects nothing in the background", async () => {
    const rt = await testRuntime();
    const unhandled: unknown[] = [];
    const record = (e: unknown) => void unhandled.push(e);
    process.on("unhandledRejection", record);
    try {
      vi.spyOn(rt.graph, "stream").mockImplementation(() => {
        throw new Error("graph failed to start");
      });
      const upsert = rt.store.threads.upsert.bind(rt.store.threads);
      vi.spyOn(rt.store.threads, "upsert").mockImplementation((id, kind, metadata) => {
        if (metadata?.status === "failed") throw new Error("SQLITE_BUSY: database is locked");
        return upsert(id, kind, metadata);
      });
      const customerId = (await rt.store.customers.list({ limit: 1 }))[0]!.customer_id;
      // `stream` answers a promise (the bookkeeping reads the store first): the caller gets the graph's error there.
      await expect(bookkeptGraph(rt).stream({ customer_id: customerId }, { configurable: { thread_id: "t" } })).rejects.toThrow("graph failed to start");
      // Unhandled rejections are reported once the microtasks have run, before the next turn of the loop.
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", record);
      await rt.close();
    }
  });

  it("a streamed run whose reader leaves once the contact waits for a person still hands the conversation over", async () => {
    const rt = await testRuntime({ customers: [customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." })] });
    try {
      const stream = await bookkeptGraph(rt).stream({ customer_id: "legal" }, { configurable: { thread_id: "t" }, context: ctx(), streamMode: "updates" });
      // The client saw the interrupt and went away before the stream's end (its socket closed).
      for await (const chunk of stream) if ("__interrupt__" in (chunk as object)) break;
      const handoff = (await rt.store.handoffs.onThread("t"))!;
      expect(handoff.status).toBe("pending");
      expect((await rt.store.threads.get("t"))!.metadata.status).toBe("interrupted");
      expect((await rt.store.ownership.get("legal")).owner).toBe("human");
      expect((await rt.store.audit.list("legal")).map((a) => a.action)).toContain("handoff.opened");
    } finally {
      await rt.close();
    }
  });

  it("a contact whose caller goes away once it waits for a person still hands the conversation over", async () => {
    const rt = await testRuntime({ customers: [customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." })] });
    try {
      // The graph has checkpointed its interrupt when the request's abort reaches it.
      const invoke = rt.graph.invoke.bind(rt.graph);
      vi.spyOn(rt.graph, "invoke").mockImplementation(async (...args: Parameters<typeof invoke>) => {
        await invoke(...args);
        throw new DOMException("This operation was aborted", "AbortError");
      });
      await expect(runContact(rt, { customer_id: "legal", thread_id: "t" })).rejects.toThrow(/aborted/);
      expect((await rt.store.handoffs.onThread("t"))!.status).toBe("pending");
      expect((await rt.store.threads.get("t"))!.metadata.status).toBe("interrupted");
      expect((await rt.store.ownership.get("legal")).owner).toBe("human");
    } finally {
      await rt.close();
    }
  });

  it("of two contacts started on one thread at once, one runs and the other is refused", async () => {
    const rt = await testRuntime({ customers: [customer({ customer_id: "c1" })] });
    try {
      const started = await Promise.allSettled([0, 1].map(() => runOnThread(rt, { customer_id: "c1", thread_id: "same" })));
      expect(started.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect(started.flatMap((r) => (r.status === "rejected" ? [r.reason] : []))[0]).toBeInstanceOf(ThreadInUseError);
      expect(await rt.store.interactions.list()).toHaveLength(1);
    } finally {
      await rt.close();
    }
  });

  it("keeps resumes in progress per runtime", async () => {
    const [a, b] = [await testRuntime(), await testRuntime()];
    try {
      const none = async () => undefined;
      const release = await beginResume(a, "t", "ana", none);
      await expect(beginResume(a, "t", "ana", none)).rejects.toThrow(ResumeInProgressError);
      (await beginResume(b, "t", "ana", none))();
      release();
      (await beginResume(a, "t", "ana", none))();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("stores a failed run's error masked, like every other text", async () => {
    const rt = await testRuntime();
    try {
      failRun(rt, "t-failed", new Error("provider said: no le puedo escribir al 55 1234 5678 ni cobrar la 4111 1111 1111 1111"));
      const error = String((await rt.store.threads.get("t-failed"))?.metadata.error);
      expect(error).toMatch(/provider said/);
      expect(error).not.toMatch(/1234 5678|4111 1111 1111 1111/);
    } finally {
      await rt.close();
    }
  });
});
