import type { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import type { Exchange, Scenario, SimulatedCustomer } from "../domain/simulated-customer.js";
import type { ModelConfig } from "./config.js";
import { userMessage } from "./prompts.js";
import { invokeStructured } from "./structured-call.js";

const CustomerAnswer = z.object({ message: z.string(), done: z.boolean() });

/**
 * A model plays the scenario's customer from its persona and goal (prompts/simulated-customer/customer.es-MX.md).
 * The bot's replies are its "user" turns and its own messages its "assistant" turns; the first message is the
 * scenario's opening, as offline, so both customers start the same conversation.
 */
export class LlmCustomer implements SimulatedCustomer {
  private readonly structured;
  private readonly system: string;

  constructor(
    model: ChatOpenAI,
    prompt: string,
    private readonly scenario: Scenario,
    private readonly config: ModelConfig,
  ) {
    this.structured = model.withStructuredOutput(CustomerAnswer, { name: "customer_message", method: "jsonSchema" });
    const { segment, tone, budget_mxn, down_payment, term_months, preference, knows } = scenario.persona;
    this.system = userMessage(prompt, {
      persona: JSON.stringify({ segment, tone, budget_mxn, down_payment, term_months, preference, knows }),
      goal: scenario.goal.description,
    });
  }

  async next(history: readonly Exchange[], signal?: AbortSignal): Promise<string | null> {
    if (history.length === 0) return this.scenario.opening;
    const turns = history.flatMap((x) => [
      { role: "assistant" as const, content: x.customer },
      { role: "user" as const, content: x.reply },
    ]);
    const raw = await invokeStructured(this.structured, [{ role: "system", content: this.system }, ...turns], this.config, signal);
    const answer = CustomerAnswer.parse(raw);
    return answer.done || answer.message.trim() === "" ? null : answer.message.trim();
  }
}
