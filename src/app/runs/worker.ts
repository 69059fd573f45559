import { z } from "zod";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { RunLostError, type RunRecord } from "../../store/ports.js";
import type { CareRuntime } from "../care-runtime.js";
import { failRun } from "../contacts.js";
import type { Logger } from "../logger.js";
import type { LanggraphEngine } from "./engine.js";
import { executeRun, failInbound, isRefusal, runError, type RunEnd } from "./execute.js";

/** A worker's settings, each with its default (WORKER_SLOTS, RUN_LEASE_MS, RUN_MAX_ATTEMPTS, WORKER_POLL_MS, RUN_RETRY_DELAY_MS). */
export const WorkerOptions = z.object({
  /** Runs worked on at once by this process (offline a run is CPU work: a few; with an LLM, many). */
  slots: z.coerce.number().int().min(1).max(1024).default(4),
  /** How long a taken run stays ours without a renewal; renewed every third of it. A dead worker's runs wait this long. */
  leaseMs: z.coerce.number().int().min(200).max(600_000).default(10_000),
  /** Takes of one run before it is dead-lettered (a run that kills its worker each time, or keeps failing). */
  maxAttempts: z.coerce.number().int().min(1).max(100).default(3),
  /** How often to look for work without a wake-up (SQLite from another process, a lost notification, a retry falling due). */
  pollMs: z.coerce.number().int().min(10).max(60_000).default(500),
  /** Delay before a failed run is tried again, doubled each attempt. */
  retryDelayMs: z.coerce.number().int().min(0).max(600_000).default(1_000),
});
export type WorkerOptions = z.infer<typeof WorkerOptions>;

/** What a run's stream, the worker's counters and /metrics see of each run that ends here. */
export interface WorkerObserver {
  /** A run this worker just took (`run` as claimed: running, attempts counted, started_at set). */
  runClaimed?(run: RunRecord): void;
  runEnded?(run: RunRecord, end: RunEnd | "retry" | "dead" | "lost", ms: number): void;
}

/**
 * Takes runs from the durable queue and executes them, `slots` at a time: claims while it has a free slot,
 * wakes on the `runs` signal (or every pollMs), renews each run's lease while it executes, and writes the
 * end fenced on that lease, so a worker that lost its run (paused past the lease, another took it) changes
 * nothing. A worker that dies loses nothing: its leases lapse and another worker takes the runs again.
 */
export class RunWorker {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private active = new Map<string, AbortController>();
  private filling: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private idle: (() => void) | undefined;

  constructor(
    private readonly rt: CareRuntime,
    private readonly engine: LanggraphEngine,
    private readonly o: WorkerOptions,
    private readonly log: Logger,
    private readonly observer: WorkerObserver = {},
  ) {}

  get running(): number {
    return this.active.size;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.unlisten = await this.rt.store.listen("runs", () => this.kick());
    this.timer = setInterval(() => this.kick(), this.o.pollMs);
    this.timer.unref();
    this.kick();
  }

  /**
   * Stops taking runs and waits up to `graceMs` for those under way; the rest are abandoned to the lease
   * (another worker, or this one's next start, takes them again).
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.unlisten?.();
    await this.filling;
    if (this.active.size === 0) return;
    const drained = new Promise<void>((r) => (this.idle = r));
    const timer = setTimeout(() => this.active.forEach((c) => c.abort(new WorkerStoppedError("the worker stopped"))), graceMs);
    await drained;
    clearTimeout(timer);
  }

  /** Looks for work now (one look at a time: a kick during a look makes one more). */
  kick(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = this.fill()
      .catch((e) => this.log.error({ err: e }, "could not take runs from the queue"))
      .finally(() => {
        this.filling = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.stopped && this.active.size < this.o.slots) {
      const dead: RunRecord[] = [];
      const run = await this.rt.store.runs.claim(this.id, this.o.leaseMs, this.o.maxAttempts, (r) => void dead.push(r));
      // A run whose worker died on its last attempt is dead-lettered by the claim: closed here as a failed one is.
      for (const r of dead) {
        this.log.error({ run_id: r.run_id, attempts: r.attempts }, "a run's worker died on its last attempt: dead-lettered");
        await this.bury(r, { name: "RunError", message: r.error ?? "dead-lettered" }).catch((e) => this.log.error({ err: e, run_id: r.run_id }, "could not close a dead-lettered run"));
      }
      if (!run) return;
      // Its own run, still executing here, whose lease lapsed (renewals failing, the event loop stalled): the
      // claim renewed it, and the execution under way goes on. A second one would share its fence (our id).
      if (this.active.has(run.run_id)) continue;
      this.observer.runClaimed?.(run);
      const abort = new AbortController();
      this.active.set(run.run_id, abort);
      void this.process(run, abort).finally(() => {
        this.active.delete(run.run_id);
        if (this.active.size === 0) this.idle?.();
        this.kick();
      });
    }
  }

  private async process(run: RunRecord, abort: AbortController): Promise<void> {
    const t0 = performance.now();
    const { runs, runEvents } = this.rt.store;
    let lost = false;
    const renewal = setInterval(() => {
      void runs.renew(run.run_id, this.id, this.o.leaseMs).then(
        ({ held, cancelReason }) => {
          if (!held) {
            lost = true;
            abort.abort(new Error("the run's lease was lost"));
          } else if (cancelReason !== null) abort.abort(new CancelledError(cancelReason));
        },
        (e) => this.log.warn({ err: e, run_id: run.run_id }, "could not renew a run's lease"),
      );
    }, Math.max(50, Math.floor(this.o.leaseMs / 3)));
    let ended: RunEnd | "retry" | "dead" | "lost" = "lost";
    // Each stream event written only while this worker holds the run: one that lost it stops at once.
    const emit = async (event: string, data: unknown) => {
      try {
        await runEvents.append(run.run_id, [{ event, data }], this.id);
      } catch (e) {
        if (e instanceof RunLostError) {
          lost = true;
          abort.abort(e);
        }
        throw e;
      }
    };
    try {
      // A stream's first event, as the Platform sends it; only LangGraph-route runs have readers of their stream (a
      // contact's or an answer's waiter reads its end), and each event is a commit and a notification.
      if (run.kwargs.kind === "platform") await emit("metadata", { run_id: run.run_id, attempt: run.attempts });
      let end: RunEnd | undefined;
      try {
        end = await executeRun(run, { rt: this.rt, engine: this.engine, signal: abort.signal, emit });
      } catch (e) {
        if (lost) throw e;
        // Stopped before the run ended: left to its lease, so it goes on elsewhere from its checkpoints, as after a crash,
        // with no retry delay (a deploy is not the run's failure).
        if (abort.signal.reason instanceof WorkerStoppedError) throw e;
        const cancelled = abort.signal.reason instanceof CancelledError;
        // Not returned from here: the observer below counts retries and dead letters too.
        if (!cancelled && !isRefusal(e)) ended = await this.retry(run, e);
        else end = { status: cancelled ? "interrupted" : "error", error: runError(cancelled ? abort.signal.reason : e) };
      }
      if (end) ended = (await this.finish(run, end)) ? end : "lost";
    } catch (e) {
      ended = "lost";
      if (abort.signal.reason instanceof WorkerStoppedError) this.log.warn({ run_id: run.run_id }, "stopped mid-run: another worker takes it once its lease lapses");
      else if (!lost) this.log.error({ err: e, run_id: run.run_id }, "a run's end could not be written: its lease will lapse and it runs again");
    } finally {
      clearInterval(renewal);
    }
    this.observer.runEnded?.(run, ended, performance.now() - t0);
  }

  /** The end and its event in one transaction, fenced on the lease. */
  private finish(run: RunRecord, end: RunEnd): Promise<boolean> {
    return this.rt.store.transaction(async (tx) => {
      if (!(await tx.runs.finish(run.run_id, this.id, end.status, end.error ? `${end.error.name}: ${end.error.message}` : null))) return false;
      await tx.runEvents.append(run.run_id, [{ event: "end", data: end }]);
      return true;
    });
  }

  /** A failure that may pass (a model or database error): tried again later, or dead-lettered. */
  private async retry(run: RunRecord, e: unknown): Promise<"retry" | "dead" | "lost"> {
    const error = runError(e);
    const delay = Math.min(this.o.retryDelayMs * 2 ** Math.max(0, run.attempts - 1), MAX_RETRY_DELAY_MS);
    const result = await this.rt.store.runs.retry(run.run_id, this.id, `${error.name}: ${error.message}`, delay, this.o.maxAttempts);
    if (result === "retry") this.log.warn({ run_id: run.run_id, attempt: run.attempts, err: e }, "a run failed; it will be tried again");
    if (result === "dead") {
      this.log.error({ run_id: run.run_id, attempts: run.attempts, err: e }, "a run failed its last attempt: dead-lettered");
      await this.bury(run, error);
    }
    return result;
  }

  /**
   * A dead-lettered run's thread (if it was left running) and its channel message are marked failed, and
   * its joiners get its end.
   */
  private async bury(run: RunRecord, error: NonNullable<RunEnd["error"]>): Promise<void> {
    if ((await this.rt.store.threads.get(run.thread_id))?.metadata.status === "running") await failRun(this.rt, run.thread_id, error.message).catch(() => undefined);
    await failInbound(this.rt, run).catch(() => undefined);
    await this.rt.store.runEvents.append(run.run_id, [{ event: "end", data: { status: "error", error } satisfies RunEnd }]);
  }
}

/** Longest wait before a failed run is tried again, whatever the attempt. */
const MAX_RETRY_DELAY_MS = 10 * 60_000;

/** The process is stopping and its grace period ran out: the run is left to its lease. */
class WorkerStoppedError extends Error {
  override readonly name = "WorkerStoppedError";
}

/** A cancel asked for through the API (runs.cancel): the run ends `interrupted` with this reason. */
export class CancelledError extends Error {
  override readonly name = "CancelledError";
}
