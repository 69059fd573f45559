import { z } from "zod";
import { Intent } from "./intent.js";

/** How the conversation graph uses a chat model (data/conversation-llm.json). */
export const ConversationModelSettings = z.object({
  /** Rounds of tool calls an agent may make in one turn; the round after them must answer in words. */
  max_tool_rounds: z.number().int().min(1).max(10),
  /** The thread a model reads: the newest messages up to this many tokens (about four characters each). */
  window_tokens: z.number().int().min(100),
});
export type ConversationModelSettings = z.infer<typeof ConversationModelSettings>;

/** US dollars per million tokens, by model name (data/model-prices.json); a model not listed is logged at no known cost. */
export const ModelPrices = z.record(z.string(), z.object({ input_usd_per_mtok: z.number().min(0), output_usd_per_mtok: z.number().min(0) }));
export type ModelPrices = z.infer<typeof ModelPrices>;

/** What the customer reads when an agent's model fails after its retries (prompts/conversation-llm/fallbacks.json). */
export const ModelFallbacks = z.object({ sales: z.string().min(1), support: z.string().min(1), company: z.string().min(1) });
export type ModelFallbacks = z.infer<typeof ModelFallbacks>;

/**
 * What the model reads from a customer's message (structured output). Every field is required and
 * nullable, as OpenAI's strict JSON schema mode asks; amounts in pesos, as the customer says them.
 */
export const UnderstoodMessage = z.object({
  intents: z.array(Intent).min(1),
  budget_max_pesos: z.number().positive().nullable(),
  down_payment_pesos: z.number().nonnegative().nullable(),
  down_payment_percent: z.number().min(0).max(100).nullable(),
  term_months: z.number().int().positive().nullable(),
});
export type UnderstoodMessage = z.infer<typeof UnderstoodMessage>;

/** One chat-model call: what it cost, and the run it belongs to. */
export interface ModelCall {
  /** The run's tracking id (its run id, else the request id, else the thread). */
  tracking_id: string;
  /** "understand" or the agent that called. */
  agent: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  /** Null when data/model-prices.json does not list the model. */
  cost_usd: number | null;
}
