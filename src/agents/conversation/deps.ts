import type { ConversationSettings, ConversationTexts, LeadKind } from "../../domain/conversation.js";
import { wordRuns, type SafetyRules } from "../../domain/text-rules.js";
import { loadConversationSettings, loadConversationTexts, loadInternalPrompts, loadSafetyRules, loadSeverityRules, loadTemplates, type SeverityRules } from "../../store/assets.js";
import { loadToolData, type ToolData } from "../../tools/index.js";
import { silentObserver, type CareObserver } from "../observer.js";
import { trainIntentClassifier, type IntentClassifier } from "./intents.js";

/**
 * What the conversation graph needs of the support desk (src/tools/desk.ts implements it over the ticket and
 * lead stores). Declared here, narrow, so the graph runs without one: support and leads then go to a person.
 */
export interface SupportDesk {
  openTicket(input: { customer_id: string; thread_id: string; summary: string }): Promise<{ folio: string; priority: number }>;
  ticketStatus(folio: string): Promise<{ folio: string; status: string } | null>;
  createLead?(input: { customer_id: string; thread_id: string; kind: LeadKind; stock_id?: string }): Promise<{ folio: string }>;
}

export interface ConversationDeps {
  tools: ToolData;
  classifier: IntentClassifier;
  desk?: SupportDesk;
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
}

export interface ConversationDepsOptions {
  tools?: ToolData;
  classifier?: IntentClassifier;
  desk?: SupportDesk;
  models?: unknown;
  observer?: CareObserver;
}

/** Loads what is not given from data/ and prompts/ (training the classifier takes a few hundred ms). */
export function createConversationDeps(o: ConversationDepsOptions = {}): ConversationDeps {
  const safetyRules = loadSafetyRules();
  return {
    tools: o.tools ?? loadToolData(),
    classifier: o.classifier ?? trainIntentClassifier(),
    desk: o.desk,
    models: o.models,
    settings: loadConversationSettings(),
    texts: loadConversationTexts(),
    safetyRules,
    promptRuns: wordRuns(loadInternalPrompts(loadTemplates()), safetyRules.prompt_run_words),
    severityRules: loadSeverityRules(),
    observer: o.observer ?? silentObserver,
  };
}
