import { ChatOpenAI } from "@langchain/openai";
import type { ModelConfig } from "./config.js";

/** A chat model on any OpenAI-compatible endpoint. Retries are ours (retry.ts), so the client's are off. */
export function chatModel(config: ModelConfig, model: string, temperature: number): ChatOpenAI {
  return new ChatOpenAI({
    model,
    temperature,
    apiKey: config.apiKey ?? "not-needed",
    configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
    timeout: config.timeoutMs,
    maxRetries: 0,
  });
}
