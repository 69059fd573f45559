import type { RunEvent, RunRecord, Store } from "../../store/ports.js";
import type { RunEnd } from "./execute.js";

const FINAL = new Set(["success", "error", "interrupted", "timeout"]);
export const isFinal = (run: RunRecord) => FINAL.has(run.status);

/**
 * Follows runs for the HTTP layer, whichever process executes them: one `run_events` listener per process
 * (PostgreSQL NOTIFY; SQLite in process), each notification waking the readers of that run, which then read
 * the table. A poll every `pollMs` covers what no notification reaches (another process on an SQLite file).
 */
export class RunWatcher {
  private readonly waiting = new Map<string, Set<() => void>>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: Store,
    private readonly pollMs = 500,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.store.listen("run_events", (payload) => {
      const runId = payload.slice(0, payload.lastIndexOf(":"));
      this.waiting.get(runId)?.forEach((wake) => wake());
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.waiting.forEach((set) => set.forEach((wake) => wake()));
  }

  /**
   * The run's events after `afterSeq`, as they are written, until its `end` (not yielded: it is the run's
   * record, for `end()`), or until `signal` aborts.
   */
  async *events(runId: string, afterSeq: number, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    let seq = afterSeq;
    for (;;) {
      // Listen before reading: an event written between the read and the wait still wakes us.
      const next = this.next(runId, signal);
      try {
        const batch = await this.store.runEvents.after(runId, seq, 200);
        for (const e of batch) {
          seq = e.seq;
          if (e.event === "end") return;
          yield e;
        }
        if (batch.length === 200) continue;
        const run = await this.store.runs.get(runId);
        // Ended without an end event (dead-lettered when taken): nothing more will come.
        if (!run || (isFinal(run) && (await this.store.runEvents.after(runId, seq, 1)).length === 0)) return;
        if (signal?.aborted) return;
        await next.wait;
      } finally {
        next.cancel();
      }
    }
  }

  /** Waits for the run to end; its end as the worker recorded it (or as the queue did, for a dead letter). */
  async end(runId: string, signal?: AbortSignal): Promise<RunEnd | undefined> {
    for (;;) {
      const next = this.next(runId, signal);
      try {
        const run = await this.store.runs.get(runId);
        if (!run) return undefined;
        if (isFinal(run)) {
          const last = await this.store.runEvents.last(runId, "end");
          return (last?.data as RunEnd | undefined) ?? { status: run.status as RunEnd["status"], error: run.error ? { name: "RunError", message: run.error } : undefined };
        }
        if (signal?.aborted) return undefined;
        await next.wait;
      } finally {
        next.cancel();
      }
    }
  }

  /** Resolves on the run's next notification, the poll interval, or an abort. */
  private next(runId: string, signal?: AbortSignal): { wait: Promise<void>; cancel(): void } {
    let wake!: () => void;
    const wait = new Promise<void>((r) => (wake = r));
    let set = this.waiting.get(runId);
    if (!set) this.waiting.set(runId, (set = new Set()));
    set.add(wake);
    const timer = setTimeout(wake, this.pollMs);
    signal?.addEventListener("abort", wake, { once: true });
    return {
      wait,
      cancel: () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", wake);
        set.delete(wake);
        if (set.size === 0) this.waiting.delete(runId);
      },
    };
  }
}
