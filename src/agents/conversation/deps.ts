import type { ConversationSettings, ConversationTexts } from "../../domain/conversation.js";
import type { ClassifierKeywords } from "../../domain/message-class.js";
import { wordRuns, type SafetyRules } from "../../domain/text-rules.js";
import {
  loadClassifierKeywords,
  loadConversationSettings,
  loadConversationTexts,
  loadInternalPrompts,
  loadPlateFormats,
  loadSafetyRules,
  loadSeverityRules,
  loadTemplates,
  type SeverityRules,
} from "../../store/assets.js";
import type { Store } from "../../store/ports.js";
import { createSupportDesk, loadOfflineFinesLookup, loadToolData, plateReader, type FinesLookup, type PlateReader, type SupportDesk, type ToolData } from "../../tools/index.js";
import { silentObserver, type CareObserver } from "../observer.js";
import { trainIntentClassifier, type IntentClassifier } from "./intents.js";

export interface ConversationDeps {
  tools: ToolData;
  classifier: IntentClassifier;
  /** Tickets and leads (src/tools/desk.ts). None: support and leads go to a person. */
  desk?: SupportDesk;
  /** Fines by plate (offline: the invented sample of data/fines-sample.json). */
  fines: (input: { plate: string }) => Promise<FinesLookup>;
  plates: PlateReader;
  /** Which team a ticket goes to (the care graph's keyword classifier). */
  issueKeywords: ClassifierKeywords;
  /**
   * The real-model path's seam (tool calling over createTools, structured intents): not built yet. Every node
   * runs offline today, whatever is set here.
   */
  models?: unknown;
  settings: ConversationSettings;
  texts: ConversationTexts;
  safetyRules: SafetyRules;
  /** Word runs of our models' prompts: a reply holding one leaks a prompt (the care graph's rule). */
  promptRuns: ReadonlySet<string>;
  severityRules: SeverityRules;
  observer: CareObserver;
  /** The clock test drives are booked against. */
  now: () => Date;
}

export interface ConversationDepsOptions {
  tools?: ToolData;
  classifier?: IntentClassifier;
  /** The desk's tickets and leads live here; ignored when `desk` is given. */
  store?: Store;
  desk?: SupportDesk;
  models?: unknown;
  observer?: CareObserver;
  now?: () => Date;
}

/** Loads what is not given from data/ and prompts/ (training the classifier takes a few hundred ms). */
export function createConversationDeps(o: ConversationDepsOptions = {}): ConversationDeps {
  const safetyRules = loadSafetyRules();
  const tools = o.tools ?? loadToolData();
  const desk =
    o.desk ?? (o.store ? createSupportDesk({ tickets: o.store.tickets, leads: o.store.leads, catalog: tools.catalog, hubs: tools.hubs, refusals: tools.deskRefusals }) : undefined);
  return {
    tools,
    classifier: o.classifier ?? trainIntentClassifier(),
    desk,
    fines: loadOfflineFinesLookup(),
    plates: plateReader(loadPlateFormats()),
    issueKeywords: loadClassifierKeywords(),
    models: o.models,
    settings: loadConversationSettings(),
    texts: loadConversationTexts(),
    safetyRules,
    promptRuns: wordRuns(loadInternalPrompts(loadTemplates()), safetyRules.prompt_run_words),
    severityRules: loadSeverityRules(),
    observer: o.observer ?? silentObserver,
    now: o.now ?? (() => new Date()),
  };
}
