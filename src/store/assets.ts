import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { EnvironmentSpec } from "../domain/environment.js";
import { IssueBucket } from "../domain/segment.js";
import { TEMPLATE_IDS, Template, type TemplateId } from "../domain/template.js";
import { SafetyRules } from "../domain/text-rules.js";
import { ClassifierKeywords } from "../domain/message-class.js";
import { ChannelSettings } from "../domain/channel.js";
import { CatalogAliases, CatalogRow, type Car } from "../domain/car.js";
import { FinancingTerms } from "../domain/financing.js";
import { FinesSample, FinesTexts, PlateFormat } from "../domain/fine.js";
import { Hub } from "../domain/hub.js";
import { KbPassage, KbSearchSettings } from "../domain/knowledge.js";
import { parseCsv } from "./csv.js";
import { IntentExample, IntentLexicon, IntentSettings } from "../domain/intent.js";
import { ConversationSettings, ConversationTexts } from "../domain/conversation.js";
import { GOLDEN_CATEGORIES, GoldenFile } from "../domain/golden.js";
import { ConversationModelSettings, ModelFallbacks, ModelPrices } from "../domain/conversation-llm.js";
import { CustomerCues, CustomerPhrases, Scenario, SCENARIO_CATEGORIES } from "../domain/simulated-customer.js";
import { WebChatSettings, WebChatTexts } from "../domain/web-chat.js";
import { CannedReplies, InboxSettings, type CannedReply } from "../domain/inbox.js";

/** The project root, found from this file whether it runs from src/ (tsx) or dist/ (compiled). */
export const PROJECT_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("care-graph: cannot find the project root");
    dir = up;
  }
  return dir;
})();

export const DEFAULT_ENVIRONMENT_FILE = join(PROJECT_ROOT, "data/environments/reference-instance.json");

/** A file that is not there or not what it should be, reported with its path and the field at fault. */
export class AssetError extends Error {
  override readonly name = "AssetError";
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new AssetError(`${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message}`);
  }
}

function check<T>(where: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new AssetError(`${where}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return parsed.data;
}

function readJson<T>(path: string, schema: z.ZodType<T>): T {
  return parseJson(path, readText(path), schema);
}

/** `where` is the path, with the line number for a JSON Lines file. */
function parseJson<T>(where: string, text: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AssetError(`${where}: ${(e as Error).message}`);
  }
  return check(where, schema, raw);
}

/** The company's catalog: a CSV with a header row (data/catalog.csv); a bad row names its line and column. */
export function loadCatalog(path = join(PROJECT_ROOT, "data/catalog.csv")): Car[] {
  const [header, ...rows] = parseCsv(readText(path));
  if (!header) throw new AssetError(`${path}: empty file`);
  return rows.map((row, i) => check(`${path}: line ${i + 2}`, CatalogRow, Object.fromEntries(header.map((h, j) => [h, row[j] ?? ""]))));
}

export function loadFinancingTerms(path = join(PROJECT_ROOT, "data/financing.json")): FinancingTerms {
  return readJson(path, FinancingTerms);
}

export function loadKnowledgeBase(dir = join(PROJECT_ROOT, "data/kb")): { passages: KbPassage[]; settings: KbSearchSettings } {
  return { passages: readJson(join(dir, "passages.json"), z.array(KbPassage).min(1)), settings: readJson(join(dir, "search.json"), KbSearchSettings) };
}

export function loadHubs(path = join(PROJECT_ROOT, "data/hubs.json")): Hub[] {
  return readJson(path, z.array(Hub).min(1));
}

/** What a customer reads when the support desk refuses a request, by refusal code; {{placeholders}} filled with its facts. */
export const DeskRefusalTexts = z.object({
  ticket_not_found: z.string(),
  no_open_tickets: z.string(),
  car_not_in_catalog: z.string(),
  date_unreadable: z.string(),
  date_not_future: z.string(),
  unknown_hub: z.string(),
  car_year_in_future: z.string(),
});
export type DeskRefusalTexts = z.infer<typeof DeskRefusalTexts>;

export function loadDeskRefusalTexts(path = join(PROJECT_ROOT, "prompts/desk/refusals.es-MX.json")): DeskRefusalTexts {
  return readJson(path, DeskRefusalTexts);
}

export function loadPlateFormats(path = join(PROJECT_ROOT, "data/plate-formats.json")): PlateFormat[] {
  return readJson(path, z.object({ formats: z.array(PlateFormat).min(1) })).formats;
}

export function loadFinesSample(path = join(PROJECT_ROOT, "data/fines-sample.json")): FinesSample {
  return readJson(path, FinesSample);
}

export function loadFinesTexts(path = join(PROJECT_ROOT, "prompts/fines/texts.es-MX.json")): FinesTexts {
  return readJson(path, FinesTexts);
}

export function loadCatalogAliases(path = join(PROJECT_ROOT, "data/catalog-aliases.json")): CatalogAliases {
  return readJson(path, CatalogAliases);
}

export function loadTemplates(dir = join(PROJECT_ROOT, "prompts/templates")): Map<TemplateId, Template> {
  const out = new Map<TemplateId, Template>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const t = readJson(join(dir, file), Template);
    out.set(t.id, t);
  }
  for (const id of TEMPLATE_IDS) if (!out.has(id)) throw new AssetError(`${dir}: template ${id} is missing`);
  return out;
}

export function loadSafetyRules(path = join(PROJECT_ROOT, "data/safety-rules.json")): SafetyRules {
  return readJson(path, SafetyRules);
}

export const SeverityRules = z.object({
  priority_threshold: z.number().min(0).max(10),
  legal: z.array(z.string()),
  safety: z.array(z.string()),
});
export type SeverityRules = z.infer<typeof SeverityRules>;

export function loadSeverityRules(path = join(PROJECT_ROOT, "data/severity-rules.json")): SeverityRules {
  return readJson(path, SeverityRules);
}

/** How a contact's priority is scored (data/priority-rules.json; why these points, there). */
export const PriorityRules = z.object({
  issue: z.record(IssueBucket, z.number().int().min(0).max(10)),
  angry: z.number().int().min(0).max(10),
  /** The customer's value by the price of their car: the best tier it reaches counts. */
  value: z.array(z.object({ min_price: z.number().positive(), points: z.number().int().min(0).max(10) })),
});
export type PriorityRules = z.infer<typeof PriorityRules>;

export function loadPriorityRules(path = join(PROJECT_ROOT, "data/priority-rules.json")): PriorityRules {
  return readJson(path, PriorityRules);
}

export const ServiceLevels = z.object({
  sla: z.record(IssueBucket, z.string()),
  coupon_format: z.string(),
});
export type ServiceLevels = z.infer<typeof ServiceLevels>;

export function loadServiceLevels(path = join(PROJECT_ROOT, "data/service-levels.json")): ServiceLevels {
  return readJson(path, ServiceLevels);
}

export function loadInboxSettings(path = join(PROJECT_ROOT, "data/inbox.json")): InboxSettings {
  return readJson(path, InboxSettings);
}

export function loadCannedReplies(path = join(PROJECT_ROOT, "data/canned-replies.json")): CannedReply[] {
  return readJson(path, CannedReplies);
}

/** What the conversation graph's KPIs are held to on the console (docs/dashboard.md, "Conversation KPIs"). */
export const ConversationTargets = z
  .object({
    resolution_without_person: z.number().min(0).max(1),
    first_contact_resolution: z.number().min(0).max(1),
    escalation_rate_max: z.number().min(0).max(1),
    messages_to_resolve_max: z.number().positive(),
    cost_per_conversation_usd_max: z.number().min(0),
  })
  .strict();
export type ConversationTargets = z.infer<typeof ConversationTargets>;

export function loadConversationTargets(path = join(PROJECT_ROOT, "data/conversation-targets.json")): ConversationTargets {
  return readJson(path, ConversationTargets);
}

export const PersonaCorpus = z.object({
  cars: z.array(z.string()).min(1),
  first_messages: z.record(IssueBucket, z.object({ happy: z.array(z.string()).min(1), angry: z.array(z.string()).min(1) })),
  severe_messages: z.array(z.string()).min(1),
  stories: z.record(IssueBucket, z.string()),
  silent_story_suffix: z.string(),
});
export type PersonaCorpus = z.infer<typeof PersonaCorpus>;

export function loadPersonaCorpus(path = join(PROJECT_ROOT, "data/personas.json")): PersonaCorpus {
  return readJson(path, PersonaCorpus);
}

export function loadEnvironment(path = DEFAULT_ENVIRONMENT_FILE): EnvironmentSpec {
  return readJson(resolve(path), EnvironmentSpec);
}

export function loadChannelSettings(path = join(PROJECT_ROOT, "data/channels.json")): ChannelSettings {
  return readJson(path, ChannelSettings);
}

export function loadClassifierKeywords(path = join(PROJECT_ROOT, "data/classifier-keywords.json")): ClassifierKeywords {
  return readJson(path, ClassifierKeywords);
}

export const HandoffTexts = z.object({
  reason: z.string(),
  customer: z.string(),
  incoming: z.string(),
  no_incoming: z.string(),
  draft: z.string(),
  no_draft: z.string(),
  judge: z.string(),
});
export type HandoffTexts = z.infer<typeof HandoffTexts>;

export function loadHandoffTexts(path = join(PROJECT_ROOT, "prompts/handoff/description.es-MX.json")): HandoffTexts {
  return readJson(path, HandoffTexts);
}

export function loadHandoffPriorities(path = join(PROJECT_ROOT, "data/handoff-priorities.json")): Record<string, number> {
  return readJson(path, z.record(z.string(), z.number().int().min(0).max(10)));
}

/** What the model reads about each tool (prompts/llm/tools.json), by tool name. */
export function loadToolDescriptions(path = join(PROJECT_ROOT, "prompts/llm/tools.json")): Record<string, string> {
  return readJson(path, z.record(z.string(), z.string().min(1)));
}

export const INTENTS_DIR = join(PROJECT_ROOT, "data/intents");

/** A JSON Lines file of labelled messages; a bad line is reported with its number. */
export function loadIntentExamples(path: string): IntentExample[] {
  return readText(path)
    .split("\n")
    .flatMap((line, i) => (line === "" ? [] : [parseJson(`${path}:${i + 1}`, line, IntentExample)]));
}

export function loadIntentLexicon(path = join(INTENTS_DIR, "lexicon.json")): IntentLexicon {
  return readJson(path, IntentLexicon);
}

export function loadIntentSettings(path = join(INTENTS_DIR, "settings.json")): IntentSettings {
  return readJson(path, IntentSettings);
}

export const GOLDEN_DIR = join(PROJECT_ROOT, "data/golden");

/**
 * The golden set (data/golden/*.json), one file per category named after it. A bad field is reported with
 * the file, its path and the conversation's id; an id used twice, with both files.
 */
/** The .json files of a folder of data, by name; a missing or empty folder is an error. */
function jsonFilesOf(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  } catch {
    throw new AssetError(`${dir}: directory not found`);
  }
  if (names.length === 0) throw new AssetError(`${dir}: no .json file`);
  return names;
}

export function loadGoldenSet(dir = GOLDEN_DIR): GoldenFile[] {
  const names = jsonFilesOf(dir);
  const seen = new Map<string, string>();
  return names.map((name) => {
    const path = join(dir, name);
    const raw = readJson(path, z.unknown());
    const parsed = GoldenFile.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      const id = i.path[0] === "conversations" ? (raw as { conversations?: { id?: unknown }[] }).conversations?.[i.path[1] as number]?.id : undefined;
      throw new AssetError(`${path}: ${i.path.join(".") || "(root)"}${typeof id === "string" ? ` (conversation ${id})` : ""}: ${i.message}`);
    }
    const file = parsed.data;
    if (name !== `${file.category}.json`) throw new AssetError(`${path}: category: "${file.category}" belongs in ${file.category}.json`);
    for (const c of file.conversations) {
      const other = seen.get(c.id);
      if (other) throw new AssetError(`${path}: conversation id "${c.id}" is also in ${other}`);
      seen.set(c.id, name);
    }
    return file;
  }).sort((a, b) => GOLDEN_CATEGORIES.indexOf(a.category) - GOLDEN_CATEGORIES.indexOf(b.category));
}

export function loadPrompt(name: string): string {
  return readFileSync(join(PROJECT_ROOT, "prompts/llm", name), "utf8");
}

/**
 * The texts that instruct our models and must never reach a customer: the LLM prompts and their
 * fragments, and each template's name and description (the writer reads them as instructions). The
 * templates' slots and fallbacks are not among them: they are written to be sent. Nor are the hand-off
 * texts: a person reads them, no model does, and their fixed parts are a few words long. Each text comes
 * cut at its {{placeholders}}: a run of words never spans a value.
 */
export function loadInternalPrompts(templates: ReadonlyMap<TemplateId, Template>): string[] {
  const dir = join(PROJECT_ROOT, "prompts/llm");
  const texts: string[] = [];
  for (const file of readdirSync(dir).sort()) {
    const path = join(dir, file);
    texts.push(...(file.endsWith(".json") ? Object.values(readJson(path, z.record(z.string(), z.string()))) : [readFileSync(path, "utf8")]));
  }
  for (const t of templates.values()) texts.push(t.name, t.description);
  return texts.flatMap((t) => t.split(/\{\{\s*\w+\s*\}\}/));
}

export function loadConversationSettings(path = join(PROJECT_ROOT, "data/conversation.json")): ConversationSettings {
  return readJson(path, ConversationSettings);
}

/** The conversation graph's texts: one file per section under prompts/conversation/, named as the section. */
export function loadConversationTexts(dir = join(PROJECT_ROOT, "prompts/conversation")): ConversationTexts {
  const sections = Object.keys(ConversationTexts.shape) as Array<keyof ConversationTexts>;
  const raw = Object.fromEntries(sections.map((s) => [s, readJson(join(dir, `${s}.json`), ConversationTexts.shape[s] as z.ZodType<unknown>)]));
  return check(dir, ConversationTexts, raw);
}

/** The conversation graph's settings for a chat model (data/conversation-llm.json). */
export function loadConversationModelSettings(path = join(PROJECT_ROOT, "data/conversation-llm.json")): ConversationModelSettings {
  return readJson(path, ConversationModelSettings);
}

/** Per-model token prices (data/model-prices.json); keys starting with "_" are comments. */
export function loadModelPrices(path = join(PROJECT_ROOT, "data/model-prices.json")): ModelPrices {
  const raw = readJson(path, z.record(z.string(), z.unknown()));
  return check(path, ModelPrices, Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith("_"))));
}

/** What each agent says when its model fails (prompts/conversation-llm/fallbacks.json): sent to customers, so not under prompts/llm. */
export function loadModelFallbacks(path = join(PROJECT_ROOT, "prompts/conversation-llm/fallbacks.json")): ModelFallbacks {
  return readJson(path, ModelFallbacks);
}

export const SIMULATED_CUSTOMERS_DIR = join(PROJECT_ROOT, "data/simulated-customers");

/** The simulated customers' scenarios, one per file named after its id, in category then id order. */
export function loadScenarios(dir = SIMULATED_CUSTOMERS_DIR): Scenario[] {
  return jsonFilesOf(dir)
    .map((name) => {
      const path = join(dir, name);
      const scenario = readJson(path, Scenario);
      if (name !== `${scenario.id}.json`) throw new AssetError(`${path}: id: "${scenario.id}" belongs in ${scenario.id}.json`);
      return scenario;
    })
    .sort((a, b) => SCENARIO_CATEGORIES.indexOf(a.category) - SCENARIO_CATEGORIES.indexOf(b.category) || a.id.localeCompare(b.id));
}

export function loadCustomerPhrases(path = join(PROJECT_ROOT, "prompts/simulated-customer/phrases.es-MX.json")): CustomerPhrases {
  return readJson(path, CustomerPhrases);
}

export function loadCustomerCues(path = join(PROJECT_ROOT, "data/simulated-customer-cues.json")): CustomerCues {
  return readJson(path, CustomerCues);
}

/** A simulated customer's model prompt (prompts/simulated-customer/). */
export function loadSimulationPrompt(name: string): string {
  return readText(join(PROJECT_ROOT, "prompts/simulated-customer", name));
}

export function loadWebChatSettings(path = join(PROJECT_ROOT, "data/web-chat.json")): WebChatSettings {
  return readJson(path, WebChatSettings);
}

export function loadWebChatTexts(path = join(PROJECT_ROOT, "prompts/web-chat/texts.es-MX.json")): WebChatTexts {
  return readJson(path, WebChatTexts);
}
