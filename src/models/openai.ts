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

/**
 * A model call's config tags that keep it out of what a streamed run shows its caller (the LangGraph
 * API's "messages", "messages-tuple" and "events" modes): the writer's raw text has not been through
 * the safety rules yet, and the prompts are ours.
 */
export const UNSTREAMED_TAGS = ["nostream", "langsmith:hidden"];
