import type { EnvironmentSpec } from "../domain/environment.js";
import type { CareRuntime } from "./care-runtime.js";
import { experimentFromParams, newExperimentId, type ExperimentParams } from "./experiment.js";

interface Job {
  controller: AbortController;
  done: number;
  total: number;
  finished: Promise<void>;
}

/** Experiments started over the API run in the background of the serving process, one record each. */
export class ExperimentJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly rt: CareRuntime,
    private readonly environment: EnvironmentSpec,
    private readonly onError: (id: string, e: unknown) => void = () => undefined,
  ) {}

  start(params: ExperimentParams): string {
    const id = newExperimentId(params);
    const controller = new AbortController();
    const job: Job = { controller, done: 0, total: 0, finished: Promise.resolve() };
    job.finished = experimentFromParams(this.rt, params, this.environment, {
      experimentId: id,
      signal: controller.signal,
      onProgress: (done, total) => ((job.done = done), (job.total = total)),
    }).then(
      () => undefined,
      (e) => {
        if (!controller.signal.aborted) this.onError(id, e);
      },
    ).finally(() => this.jobs.delete(id));
    this.jobs.set(id, job);
    return id;
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
