import type { CareRuntime } from "../care-runtime.js";
import type { Logger } from "../logger.js";
import { langgraphEngine, type LanggraphEngine } from "./engine.js";
import { servedGraphs, type ServedGraph } from "./graphs.js";
import { RunWatcher } from "./watch.js";
import { RunWorker, type WorkerObserver, type WorkerOptions } from "./worker.js";

export interface RunService {
  /** The graphs runs may name (their assistant ids). */
  graphs: ReadonlyMap<string, ServedGraph>;
  engine: LanggraphEngine;
  watcher: RunWatcher;
  /** Absent in a process that only serves (`serve --no-worker`). */
  worker: RunWorker | undefined;
  /** Stops taking runs, lets those under way finish (up to graceMs), stops following runs. */
  stop(graceMs: number): Promise<void>;
}

/**
 * What a process needs to run and follow runs: the embedded LangGraph server, the watcher, and (unless
 * `worker` is undefined) a worker taking runs from the queue. It starts listening and working at once, in
 * the background, and stops when the runtime closes, before the store does.
 */
export function startRunService(rt: CareRuntime, o: { worker: WorkerOptions | undefined; log: Logger; observer?: WorkerObserver }): RunService {
  const graphs = servedGraphs(rt);
  const engine = langgraphEngine(rt, graphs);
  const watcher = new RunWatcher(rt.store);
  const worker = o.worker ? new RunWorker(rt, engine, o.worker, o.log, o.observer) : undefined;
  const started = Promise.all([watcher.start(), worker?.start()]);
  started.catch((e) => o.log.error({ err: e }, "could not start following the run queue"));
  let stopping: Promise<void> | undefined;
  const stop = (graceMs: number) =>
    (stopping ??= started
      .catch(() => undefined)
      .then(async () => {
        await worker?.stop(graceMs);
        await watcher.stop();
      }));
  rt.beforeClose(() => stop(0));
  return { graphs, engine, watcher, worker, stop };
}
