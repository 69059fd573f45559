import type { ConversationJudge, Scenario, SimulatedCustomer } from "../../domain/simulated-customer.js";
import { usesLlm, type ModelConfig } from "../../models/config.js";
import { JudgeFragments, LlmConversationJudge } from "../../models/llm-conversation-judge.js";
import { LlmCustomer } from "../../models/llm-customer.js";
import { chatModel } from "../../models/openai.js";
import { ScriptedCustomer } from "../../sim/scripted-customer.js";
import { loadCustomerCues, loadCustomerPhrases, loadSimulationPrompt } from "../../store/assets.js";
import { RuleJudge } from "./rule-judge.js";

/**
 * The customer and the judge of a simulation: offline the scripted customer and the rule-based score;
 * with a model configured, the writer's model plays the customer and the judge's model judges.
 */
export function simulationParts(models: ModelConfig): { customerFor: (scenario: Scenario, seed: number) => SimulatedCustomer; judge: ConversationJudge } {
  if (!usesLlm(models)) {
    const phrases = loadCustomerPhrases();
    const cues = loadCustomerCues();
    return { customerFor: (s, seed) => new ScriptedCustomer(s, phrases, cues, seed), judge: new RuleJudge() };
  }
  const prompt = loadSimulationPrompt("customer.es-MX.md");
  // The customer varies as people do; the judge does not.
  const customerModel = chatModel(models, models.writerModel, 0.7);
  return {
    customerFor: (s) => new LlmCustomer(customerModel, prompt, s, models),
    judge: new LlmConversationJudge(chatModel(models, models.judgeModel, 0), { system: loadSimulationPrompt("judge.es-MX.md"), user: loadSimulationPrompt("judge-user.es-MX.md"), fragments: JudgeFragments.parse(JSON.parse(loadSimulationPrompt("judge-fragments.es-MX.json"))) }, models),
  };
}
