import { resolve } from "node:path";
import { z } from "zod";
import { modelConfigFromEnv, type ModelConfig } from "./models/config.js";

/** The service's settings, from the environment; every one has an embedded default. */
export const AppConfig = z.object({
  dbPath: z.string().min(1).default("var/care-graph.sqlite"),
  seed: z.coerce.number().int().default(7),
  environmentFile: z.string().optional(),
});
export type AppConfig = z.infer<typeof AppConfig> & { models: ModelConfig };

export function appConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const base = AppConfig.parse({
    dbPath: env.CARE_GRAPH_DB || undefined,
    seed: env.CARE_GRAPH_SEED || undefined,
    environmentFile: env.CARE_GRAPH_ENVIRONMENT || undefined,
  });
  return { ...base, dbPath: base.dbPath === ":memory:" ? base.dbPath : resolve(base.dbPath), models: modelConfigFromEnv(env) };
}
