import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import type { ExperimentJobs } from "../../app/experiment-jobs.js";
import { ExperimentParams } from "../../app/experiment.js";
import type { AppEnv } from "../env.js";
import { conflict, notFound, parseWith, readJson } from "../helper/http.js";

/** Experiments over HTTP: stricter size limits than the CLI, since they run inside the serving process. */
export const ApiExperimentParams = ExperimentParams.extend({
  customers: z.number().int().min(1).max(20_000).default(200),
  iterations: z.number().int().min(1).max(50).default(5),
  concurrency: z.number().int().min(1).max(32).default(8),
});

export function experimentsRouter(rt: CareRuntime, jobs: ExperimentJobs) {
  const view = async (id: string) => {
    const e = await rt.store.experiments.get(id);
    if (!e) throw notFound(`experiment ${id}`);
    return { ...e, progress: jobs.progress(id) ?? null };
  };
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json({ items: (await rt.store.experiments.list()).map(({ summary, ...e }) => ({ ...e, progress: jobs.progress(e.experiment_id) ?? null, lift_pct: (summary as { lift_pct?: number } | null)?.lift_pct ?? null })) }))
    .post("/", async (c) => {
      const params = await readJson(c, ApiExperimentParams);
      const id = jobs.start(params);
      await rt.store.audit.record(c.get("apiKey") ?? "api", "experiment.started", `experiment:${id}`, params);
      c.header("Location", `/v1/experiments/${id}`);
      return c.json(await view(id), 202);
    })
    .get("/:id", async (c) => c.json(await view(parseWith(z.string().min(1).max(200), c.req.param("id"), "path"))))
    .post("/:id/cancel", async (c) => {
      const id = parseWith(z.string().min(1).max(200), c.req.param("id"), "path");
      const e = await view(id);
      if (!jobs.cancel(id)) throw conflict(`experiment ${id} is not running (${e.status})`);
      await rt.store.audit.record(c.get("apiKey") ?? "api", "experiment.cancelled", `experiment:${id}`);
      return c.json({ experiment_id: id, cancelling: true }, 202);
    });
}
