import type { ModelConfig } from "./config.js";
import { UNSTREAMED_TAGS } from "./openai.js";
import { withRetry } from "./retry.js";

type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

/** A structured-output model called with our retries, out of any stream a caller sees (UNSTREAMED_TAGS). */
export function invokeStructured<T>(
  model: { invoke(messages: ChatMessage[], options: { signal?: AbortSignal; tags: string[] }): Promise<T> },
  messages: ChatMessage[],
  config: ModelConfig,
  signal?: AbortSignal,
): Promise<T> {
  return withRetry(() => model.invoke(messages, { signal, tags: UNSTREAMED_TAGS }), { retries: config.maxRetries, baseMs: config.retryBaseMs, signal });
}
