import type { AIMessage } from "@langchain/core/messages";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { ModelCall, ModelPrices } from "../../../domain/conversation-llm.js";

/** The id a run is tracked by in logs: the queue's run id, else the HTTP request's, else the thread. */
export function trackingId(config: LangGraphRunnableConfig | undefined): string {
  const meta = (config?.metadata ?? {}) as Record<string, unknown>;
  const conf = (config?.configurable ?? {}) as Record<string, unknown>;
  for (const v of [meta["run_id"], meta["request_id"], conf["run_id"], conf["thread_id"]]) if (typeof v === "string" && v) return v;
  return "unknown";
}

/** Tokens as the provider counted them (usage_metadata), priced per million; an unlisted model costs null. */
export function modelCall(answer: AIMessage, o: { agent: string; model: string; prices: ModelPrices; config: LangGraphRunnableConfig | undefined }): ModelCall {
  const usage = answer.usage_metadata;
  const input = usage?.input_tokens ?? 0;
  const output = usage?.output_tokens ?? 0;
  const model = typeof answer.response_metadata?.["model_name"] === "string" ? (answer.response_metadata["model_name"] as string) : o.model;
  const price = o.prices[model] ?? o.prices[o.model];
  const cost = price ? (input * price.input_usd_per_mtok + output * price.output_usd_per_mtok) / 1e6 : null;
  return { tracking_id: trackingId(o.config), agent: o.agent, model, input_tokens: input, output_tokens: output, cost_usd: cost };
}
