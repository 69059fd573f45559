import { z } from "zod";

/** Which models the agents use. No key and no base URL: everything runs offline. */
export const ModelConfig = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.string().url().optional(),
  writerModel: z.string().min(1).default("gpt-4o-mini"),
  judgeModel: z.string().min(1).default("gpt-4o-mini"),
  /** Per attempt. */
  timeoutMs: z.number().int().positive().default(20_000),
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** First backoff; doubles per attempt, with jitter, capped at 8 s; a Retry-After header wins. */
  retryBaseMs: z.number().int().min(0).default(500),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export function modelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ModelConfig {
  const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));
  return ModelConfig.parse({
    apiKey: env.OPENAI_API_KEY || undefined,
    baseUrl: env.OPENAI_BASE_URL || undefined,
    writerModel: env.CARE_GRAPH_WRITER_MODEL || undefined,
    judgeModel: env.CARE_GRAPH_JUDGE_MODEL || undefined,
    timeoutMs: num(env.CARE_GRAPH_LLM_TIMEOUT_MS),
    maxRetries: num(env.CARE_GRAPH_LLM_MAX_RETRIES),
  });
}

/** The same switch as usesLlm, read from the environment without validating the rest of the model settings. */
export const llmConfiguredIn = (env: NodeJS.ProcessEnv): boolean => Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL);

export function usesLlm(c: ModelConfig): boolean {
  return c.apiKey !== undefined || c.baseUrl !== undefined;
}
