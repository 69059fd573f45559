import type { EnvironmentSpec } from "../domain/environment.js";
import type { CareRuntime } from "./care-runtime.js";
import { experimentFromParams, newExperimentId, runStamp, type ExperimentParams } from "./experiment.js";
import { nextIteration, requireDataset, runSeries, seriesId, type SeriesParams } from "./simulation.js";

interface Job {
  controller: AbortController;
  done: number;
  total: number;
  /** The simulation series it adds to, if any: one run per series at a time. */
  series?: string;
  finished: Promise<void>;
}

type Progress = (done: number, total: number) => void;

/** A series already has a run in this process: a second would take the same iteration numbers. */
export class SeriesBusyError extends Error {
  override readonly name = "SeriesBusyError";
}

/** Experiments started over the API or the console run in the background of the serving process, one record each. */
export class ExperimentJobs {
  private readonly jobs = new Map<string, Job>();
  /** Series between the busy check and their job's registration. */
  private readonly startingSeries = new Set<string>();

  constructor(
    private readonly rt: CareRuntime,
    private readonly environment: EnvironmentSpec,
    private readonly onError: (id: string, e: unknown) => void = () => undefined,
  ) {}

  start(params: ExperimentParams): string {
    const id = newExperimentId(params);
    this.track(id, undefined, (signal, onProgress) => experimentFromParams(this.rt, params, this.environment, { experimentId: id, signal, onProgress }));
    return id;
  }

  /**
   * `iterations` more iterations of the console's simulation series (the dataset must have been generated).
   * The first is numbered after the series' last; a second start for the same series while one starts or runs
   * is refused, so two runs never share iteration numbers.
   */
  async startSeries(params: SeriesParams, iterations: number): Promise<{ id: string; firstIteration: number }> {
    const series = seriesId(params);
    if (this.startingSeries.has(series) || [...this.jobs.values()].some((j) => j.series === series)) throw new SeriesBusyError(`series ${series} is running`);
    this.startingSeries.add(series);
    try {
      const customers = await requireDataset(this.rt, params);
      const firstIteration = await nextIteration(this.rt, series);
      const id = `${series}-${runStamp()}`;
      this.track(id, series, (signal, onProgress) => runSeries(this.rt, params, this.environment, { experimentId: id, iterations, firstIteration, customers, signal, onProgress }));
      return { id, firstIteration };
    } finally {
      this.startingSeries.delete(series);
    }
  }

  private track(id: string, series: string | undefined, run: (signal: AbortSignal, onProgress: Progress) => Promise<unknown>): void {
    const controller = new AbortController();
    const job: Job = { controller, done: 0, total: 0, series, finished: Promise.resolve() };
    job.finished = run(controller.signal, (done, total) => ((job.done = done), (job.total = total)))
      .then(
        () => undefined,
        (e) => {
          if (!controller.signal.aborted) this.onError(id, e);
        },
      )
      .finally(() => this.jobs.delete(id));
    this.jobs.set(id, job);
  }

  /** The run of this series in progress here, if any. */
  runningSeries(series: string): string | undefined {
    return [...this.jobs].find(([, j]) => j.series === series)?.[0];
  }

  progress(id: string): { done: number; total: number } | undefined {
    const j = this.jobs.get(id);
    return j && { done: j.done, total: j.total };
  }

  /** false when the experiment is not running here. */
  cancel(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j) return false;
    j.controller.abort(new Error("cancelled"));
    return true;
  }

  /** On shutdown: stop every experiment and wait until each has recorded how it ended. */
  async stopAll(): Promise<void> {
    const running = [...this.jobs.values()];
    for (const j of running) j.controller.abort(new Error("server stopping"));
    await Promise.all(running.map((j) => j.finished));
  }
}
