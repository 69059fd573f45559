import { startChildServer, type ChildServer } from "./child-server.js";

/**
 * A worker is ready once it takes runs; its metrics port (WORKER_METRICS_PORT=0: any free one) is logged just
 * before, and becomes its url.
 */
const WORKER_READY = /"port":(\d+)[^\n]*"msg":"worker metrics and health served"[\s\S]*"msg":"care-graph worker taking runs"/;

/** How long a child gets to end after SIGTERM before it is killed. */
const STOP_MS = 10_000;

export interface ClusterOptions {
  /** For every process: the database (DATABASE_URL, DATABASE_SCHEMA) and what else they share. */
  env: Record<string, string>;
  serveEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /** `serve` executes runs itself too (no --no-worker): one process doing everything. */
  serveWorks?: boolean;
}

/**
 * `serve --no-worker` (or `serve`, with serveWorks) and `care-graph worker` processes of the real CLI on one database, as a scaled
 * deployment runs them. Every child it spawns is tracked from the start, so `stop()` in an afterAll ends
 * them all, even when starting failed half-way. Each child names its PostgreSQL connections
 * (PGAPPNAME = cg-serve-N / cg-worker-N, then -rM for a restart), for pg_stat_activity.
 */
export class Cluster {
  readonly serves: ChildServer[] = [];
  readonly workers: Array<ChildServer | undefined> = [];
  /** Running children by PGAPPNAME; and those still starting, which stop() waits for. */
  private readonly children = new Map<ChildServer, string>();
  private readonly starting = new Set<Promise<unknown>>();
  private restarts = 0;

  constructor(private readonly o: ClusterOptions) {}

  async start(serves: number, workers: number): Promise<this> {
    await Promise.all([
      ...Array.from({ length: serves }, async (_, i) => void (this.serves[i] = await this.spawnServe(i))),
      ...Array.from({ length: workers }, (_, i) => this.startWorker(i)),
    ]);
    return this;
  }

  /** Starts worker `i` (again, after a kill). */
  async startWorker(i: number): Promise<ChildServer> {
    const name = this.workers[i] === undefined ? `cg-worker-${i}` : `cg-worker-${i}-r${++this.restarts}`;
    const w = await this.track(name, startChildServer({ ...this.o.env, LOG_LEVEL: "info", WORKER_METRICS_PORT: "0", PGAPPNAME: name, ...this.o.workerEnv }, { args: ["worker"], ready: WORKER_READY }));
    this.workers[i] = w;
    return w;
  }

  /** Ends worker `i` with `signal` (SIGKILL: it dies mid-run, its leases left to lapse) and waits for its exit. */
  async killWorker(i: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const w = this.workers[i];
    if (!w) return;
    w.proc.kill(signal);
    await w.exited;
    this.children.delete(w);
  }

  /** SIGTERM to every child (each drains), SIGKILL to one still there after STOP_MS. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.starting);
    await Promise.all(
      [...this.children.keys()].map(async (c) => {
        if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
        c.proc.kill("SIGTERM");
        const timer = setTimeout(() => c.proc.kill("SIGKILL"), STOP_MS);
        await c.exited;
        clearTimeout(timer);
      }),
    );
    this.children.clear();
  }

  /** Process ids by name, as PGAPPNAME names their connections. */
  pids(): Record<string, number> {
    return Object.fromEntries([...this.children].map(([c, name]) => [name, c.proc.pid!]));
  }

  private spawnServe(i: number): Promise<ChildServer> {
    const name = `cg-serve-${i}`;
    return this.track(name, startChildServer({ ...this.o.env, PGAPPNAME: name, ...this.o.serveEnv }, { args: this.o.serveWorks ? ["serve"] : ["serve", "--no-worker"] }));
  }

  private async track(name: string, starting: Promise<ChildServer>): Promise<ChildServer> {
    this.starting.add(starting);
    try {
      const child = await starting;
      this.children.set(child, name);
      return child;
    } finally {
      this.starting.delete(starting);
    }
  }
}
