/** The line for graph runs is full: the caller should come back later. */
export class OverloadedError extends Error {
  override readonly name = "OverloadedError";
}

/** The caller gave up (its signal aborted) before a slot was free. */
export class AbandonedError extends Error {
  override readonly name = "AbandonedError";
}

/**
 * How many graph runs the process works on at once, and a first-come-first-served line for the rest.
 * With an LLM a run mostly waits on the network, and without a bound every request in flight holds a
 * chat call and a graph state open; a full line answers at once instead of letting clients time out.
 * (Offline runs are CPU work and barely overlap; their latency tail under load is Node's own, see
 * bench/RESULTS.md.)
 */
export class RunSlots {
  private active = 0;
  private readonly line: Array<() => void> = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.line.length;
  }

  /**
   * Resolves with the slot's release once the run may start. Refuses with OverloadedError when the line
   * is full (unless `shed` is false: a caller that cannot come back waits whatever the line), and leaves
   * the line if `signal` aborts first.
   */
  async acquire(signal?: AbortSignal, shed = true): Promise<() => void> {
    if (signal?.aborted) throw new AbandonedError("the caller left before a run slot was free", { cause: signal.reason });
    if (this.active < this.limit && this.line.length === 0) {
      this.active++;
      return this.release();
    }
    if (shed && this.line.length >= this.maxWaiting) throw new OverloadedError(`${this.line.length} runs are waiting for one of ${this.limit} slots`);
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", leave);
        resolve();
      };
      const leave = () => {
        const at = this.line.indexOf(grant);
        if (at >= 0) this.line.splice(at, 1);
        reject(new AbandonedError("the caller left before a run slot was free", { cause: signal!.reason }));
      };
      signal?.addEventListener("abort", leave, { once: true });
      this.line.push(grant);
    });
    return this.release();
  }

  /** Hands the slot to the first in line, or frees it; a second call does nothing. */
  private release(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.line.shift();
      if (next) next();
      else this.active--;
    };
  }
}
