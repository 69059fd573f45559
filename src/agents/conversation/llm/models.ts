import type { ChatOpenAI } from "@langchain/openai";
import type { RetryPolicy } from "@langchain/langgraph";
import type { ConversationModelSettings, ModelFallbacks, ModelPrices } from "../../../domain/conversation-llm.js";
import { ModelConfig, usesLlm } from "../../../models/config.js";
import { chatModel } from "../../../models/openai.js";
import { isRetryable } from "../../../models/retry.js";
import { loadConversationModelSettings, loadModelFallbacks, loadModelPrices, loadPrompt } from "../../../store/assets.js";

/** The model-backed agents of the conversation graph. */
export const MODEL_AGENTS = ["sales", "support", "company"] as const;
export type ModelAgent = (typeof MODEL_AGENTS)[number];

/** What the conversation graph's real-model path works with; absent, every node runs offline. */
export interface ConversationModels {
  chat: ChatOpenAI;
  /** The model's name as configured (what prices are looked up by). */
  modelName: string;
  settings: ConversationModelSettings;
  prices: ModelPrices;
  fallbacks: ModelFallbacks;
  /** System prompts: understand's and each agent's (prompts/llm/conversation-*.es-MX.md). */
  prompts: Record<"understand" | ModelAgent, string>;
  /** Node retry policy for a model call: transient errors (429, 5xx, timeouts, dropped connections) only. */
  retry: RetryPolicy;
}

/**
 * Chat models when an API key or base URL is configured (the writer's model name), else undefined: the
 * graph stays offline. Retries are the graph's (node retryPolicy), so the client's are off.
 */
export function createConversationModels(options: Partial<ModelConfig> | undefined): ConversationModels | undefined {
  const config = ModelConfig.parse(options ?? {});
  if (!usesLlm(config)) return undefined;
  const prompt = (name: string) => loadPrompt(`conversation-${name}.es-MX.md`);
  return {
    chat: chatModel(config, config.writerModel, 0.2),
    modelName: config.writerModel,
    settings: loadConversationModelSettings(),
    prices: loadModelPrices(),
    fallbacks: loadModelFallbacks(),
    prompts: { understand: prompt("understand"), sales: prompt("sales"), support: prompt("support"), company: prompt("company") },
    retry: {
      maxAttempts: config.maxRetries + 1,
      initialInterval: config.retryBaseMs,
      backoffFactor: 2,
      maxInterval: 8000,
      jitter: true,
      retryOn: isRetryable,
      logWarning: false,
    },
  };
}
