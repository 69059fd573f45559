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
  loadPriorityRules,
  loadSeverityRules,
  loadTemplates,
  type PriorityRules,
  type SeverityRules,
} from "../../store/assets.js";
import type { Customer } from "../../domain/customer.js";
import type { Escalation } from "../state.js";
import type { Store } from "../../store/ports.js";
import { createSupportDesk, loadOfflineFinesLookup, loadToolData, plateReader, type FinesLookup, type PlateReader, type SupportDesk, type ToolData } from "../../tools/index.js";
import { silentObserver, type CareObserver } from "../observer.js";
import { trainIntentClassifier, type IntentClassifier } from "./intents.js";
import { createConversationModels, type ConversationModels } from "./llm/models.js";
import type { ModelConfig } from "../../models/config.js";

/** A complaint sent to the care graph: its own thread (one per turn, so a redelivered turn is the same contact). */
export interface CareDecisionInput {
  thread_id: string;
  customer_id: string;
  /** The customer's words, masked. */
  message: string;
  signal?: AbortSignal;
}

/** What the care graph decided on a complaint. */
export interface CareDecision {
  /** Its interaction: one row, one policy update. */
  interaction_id: string;
  /** The bandit's template as the responder wrote it, after care's safety; null when a person answers first. */
  reply: string | null;
  template: string | null;
  /** The care run ended waiting for a person (its human_review), and why. */
  escalation: Escalation["reason"] | null;
}

/** The care side of a served conversation (src/app/care-decision.ts, over the care graph). */
export interface CareLink {
  /** A customer of the customers table (a care decision needs their segment and features); undefined for anyone else. */
  customer(id: string): Promise<Customer | undefined>;
  decide(input: CareDecisionInput): Promise<CareDecision>;
}

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
  /** Chat models (OPENAI_BASE_URL / OPENAI_API_KEY): understand and the agents use them (llm/). None: offline. */
  models?: ConversationModels;
  settings: ConversationSettings;
  texts: ConversationTexts;
  safetyRules: SafetyRules;
  /** Word runs of our models' prompts: a reply holding one leaks a prompt (the care graph's rule). */
  promptRuns: ReadonlySet<string>;
  severityRules: SeverityRules;
  /** The care router's priority rule, for a known customer's support message. */
  priorityRules: PriorityRules;
  /** Served only (the app builds it over the care graph); absent in the bare graph (Studio, the golden set), whose support stays the desk's alone. */
  care?: CareLink;
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
  /** The model settings; with no key and no base URL, the graph runs offline. */
  models?: Partial<ModelConfig>;
  care?: CareLink;
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
    models: createConversationModels(o.models),
    settings: loadConversationSettings(),
    texts: loadConversationTexts(),
    safetyRules,
    promptRuns: wordRuns(loadInternalPrompts(loadTemplates()), safetyRules.prompt_run_words),
    severityRules: loadSeverityRules(),
    priorityRules: loadPriorityRules(),
    care: o.care,
    observer: o.observer ?? silentObserver,
    now: o.now ?? (() => new Date()),
  };
}
