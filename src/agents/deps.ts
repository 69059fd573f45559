import type { Template, TemplateId } from "../domain/template.js";
import { TEMPLATE_IDS } from "../domain/template.js";
import type { EnvironmentSpec } from "../domain/environment.js";
import { wordRuns, type SafetyRules } from "../domain/text-rules.js";
import { ModelConfig } from "../models/config.js";
import { silentObserver, type CareObserver } from "./observer.js";
import { createModels } from "../models/factory.js";
import type { Judge, Writer } from "../domain/ports.js";
import { PolicyBook } from "../policy/book.js";
import { Environment } from "../sim/environment.js";
import {
  loadEnvironment,
  loadHandoffPriorities,
  loadHandoffTexts,
  loadInternalPrompts,
  loadSafetyRules,
  loadServiceLevels,
  loadSeverityRules,
  loadTemplates,
  type HandoffTexts,
  type ServiceLevels,
  type SeverityRules,
} from "../store/assets.js";
import type { Store } from "../store/ports.js";

/** What the care graph's nodes work with: the store, the policies, the models, and the rule files. */
export interface CareDeps {
  store: Store;
  policies: PolicyBook;
  templates: ReadonlyMap<TemplateId, Template>;
  safetyRules: SafetyRules;
  /** Word runs of our own prompts (safetyRules.prompt_run_words long): a draft holding one leaks a prompt. */
  promptRuns: ReadonlySet<string>;
  severityRules: SeverityRules;
  serviceLevels: ServiceLevels;
  handoffTexts: HandoffTexts;
  /** Queue priority of an escalation by its reason (0–10). */
  handoffPriorities: Record<string, number>;
  writer: Writer;
  judge: Judge;
  /** Seeds the policy's and the simulated customer's random streams. */
  seed: number;
  observer: CareObserver;
}

export interface CareDepsOptions {
  store: Store;
  seed?: number;
  environment?: EnvironmentSpec;
  models?: Partial<ModelConfig>;
  /** Replace a model (tests, custom integrations). */
  writer?: Writer;
  judge?: Judge;
  observer?: CareObserver;
}

export class EnvironmentMismatchError extends Error {
  override readonly name = "EnvironmentMismatchError";
}

export function createCareDeps(o: CareDepsOptions): CareDeps {
  const templates = loadTemplates();
  const safetyRules = loadSafetyRules();
  const seed = o.seed ?? 7;
  const spec = o.environment ?? loadEnvironment();
  const unknownArms = spec.arms.ids.filter((id) => !(TEMPLATE_IDS as readonly string[]).includes(id));
  if (unknownArms.length)
    throw new EnvironmentMismatchError(`environment ${spec.name}: arms ${unknownArms.join(", ")} are not templates (${TEMPLATE_IDS.join(", ")})`);
  const environment = new Environment(spec);
  const models = createModels(ModelConfig.parse(o.models ?? {}), { environment, templates, safetyRules, seed });
  return {
    store: o.store,
    policies: new PolicyBook(o.store.policyState, TEMPLATE_IDS),
    templates,
    safetyRules,
    promptRuns: wordRuns(loadInternalPrompts(templates), safetyRules.prompt_run_words),
    severityRules: loadSeverityRules(),
    serviceLevels: loadServiceLevels(),
    handoffTexts: loadHandoffTexts(),
    handoffPriorities: loadHandoffPriorities(),
    writer: o.writer ?? models.writer,
    judge: o.judge ?? models.judge,
    seed,
    observer: o.observer ?? silentObserver,
  };
}
