import type { Template, TemplateId } from "../domain/template.js";
import type { SafetyRules } from "../domain/text-rules.js";
import type { Environment } from "../sim/environment.js";
import { SimulatedJudge } from "../sim/simulated-judge.js";
import { loadPrompt } from "../store/assets.js";
import { usesLlm, type ModelConfig } from "./config.js";
import { LlmJudge } from "./llm-judge.js";
import { LlmWriter } from "./llm-writer.js";
import { chatModel } from "./openai.js";
import { PromptFragments } from "./prompts.js";
import { TemplateWriter } from "./template-writer.js";
import type { Judge, Writer } from "../domain/ports.js";

export interface ModelDeps {
  environment: Environment;
  templates: ReadonlyMap<TemplateId, Template>;
  safetyRules: SafetyRules;
  seed: number;
}

/** Offline unless an API key or base URL is configured; then chat models for the writer and the judge. */
export function createModels(config: ModelConfig, deps: ModelDeps): { writer: Writer; judge: Judge } {
  if (!usesLlm(config)) {
    return {
      writer: new TemplateWriter(),
      judge: new SimulatedJudge(deps.environment, deps.templates, deps.safetyRules, deps.seed),
    };
  }
  const fragments = PromptFragments.parse(JSON.parse(loadPrompt("fragments.es-MX.json")));
  return {
    writer: new LlmWriter(chatModel(config, config.writerModel, 0.4), { system: loadPrompt("writer.es-MX.md"), user: loadPrompt("writer-user.es-MX.md"), fragments }, config),
    judge: new LlmJudge(chatModel(config, config.judgeModel, 0), { system: loadPrompt("judge.es-MX.md"), user: loadPrompt("judge-user.es-MX.md"), fragments }, config),
  };
}
