import { resolve } from "node:path";
import { z } from "zod";
import { ModelConfig } from "./models/config.js";
import { SCHEMA_NAME } from "./store/postgres/schema-name.js";

/**
 * The one place environment variables are read. Each setting's schema (and default) lives with the code
 * that uses it; this module maps variable names onto it, treats an empty value as unset, and answers a
 * bad value with a ConfigError that names the variable, not an internal field.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** A value is quoted back in the error; a URL's password stays out of it (and out of the logs). */
const withoutPassword = (v: string) => v.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, "$1***@");

/** Settings field → environment variable. */
type EnvNames<T> = { [K in keyof T]?: string };

export function parseEnv<S extends z.ZodObject>(schema: S, names: EnvNames<z.infer<S>>, env: NodeJS.ProcessEnv, extra: Partial<z.input<S>> = {}): z.infer<S> {
  const raw: Record<string, unknown> = { ...extra };
  for (const [field, name] of Object.entries(names) as Array<[string, string]>) if (env[name] !== undefined && env[name] !== "") raw[field] = env[name];
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const field = String(i.path[0] ?? "");
    const name = (names as Record<string, string | undefined>)[field];
    return name ? `${name}: ${i.message} (got "${withoutPassword(env[name]!)}")` : `${i.path.join(".")}: ${i.message}`;
  });
  throw new ConfigError(problems.join("; "));
}

/** pino's levels. */
const LogLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** The service's settings common to every command; each has an embedded default. */
export const AppConfig = z.object({
  dbPath: z.string().min(1).default("var/care-graph.sqlite"),
  seed: z.coerce.number().int().default(7),
  environmentFile: z.string().optional(),
  logLevel: LogLevel.default("info"),
  /** PostgreSQL instead of the SQLite file: our tables and LangGraph's checkpoints in `databaseSchema`. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  databaseSchema: z.string().regex(SCHEMA_NAME, "must be a plain lower-case identifier").default("public"),
});
export type AppConfig = z.infer<typeof AppConfig> & { models: ModelConfig };

export function modelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ModelConfig {
  return parseEnv(
    ModelConfig,
    {
      apiKey: "OPENAI_API_KEY",
      baseUrl: "OPENAI_BASE_URL",
      writerModel: "CARE_GRAPH_WRITER_MODEL",
      judgeModel: "CARE_GRAPH_JUDGE_MODEL",
      timeoutMs: "CARE_GRAPH_LLM_TIMEOUT_MS",
      maxRetries: "CARE_GRAPH_LLM_MAX_RETRIES",
    },
    env,
  );
}

/** The same switch as usesLlm, read without validating the rest of the model settings. */
export const llmConfiguredIn = (env: NodeJS.ProcessEnv): boolean => Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL);

export function appConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const base = parseEnv(AppConfig, { dbPath: "CARE_GRAPH_DB", seed: "CARE_GRAPH_SEED", environmentFile: "CARE_GRAPH_ENVIRONMENT", logLevel: "LOG_LEVEL", databaseUrl: "DATABASE_URL", databaseSchema: "DATABASE_SCHEMA" }, env);
  return { ...base, dbPath: base.dbPath === ":memory:" ? base.dbPath : resolve(base.dbPath), models: modelConfigFromEnv(env) };
}

