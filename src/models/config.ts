import { z } from "zod";

/** Which models the agents use. No key and no base URL: everything runs offline. */
export const ModelConfig = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.string().url().optional(),
  writerModel: z.string().min(1).default("gpt-4o-mini"),
  judgeModel: z.string().min(1).default("gpt-4o-mini"),
  /** Per attempt. */
  timeoutMs: z.coerce.number().int().positive().default(20_000),
  maxRetries: z.coerce.number().int().min(0).max(10).default(3),
  /** First backoff; doubles per attempt, with jitter, capped at 8 s; a Retry-After header wins. */
  retryBaseMs: z.number().int().min(0).default(500),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export function usesLlm(c: ModelConfig): boolean {
  return c.apiKey !== undefined || c.baseUrl !== undefined;
}
