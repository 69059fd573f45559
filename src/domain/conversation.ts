import { z } from "zod";
import { CarQuery } from "./car.js";
import { Intent } from "./intent.js";

/** What a dialog task is about; a task is one thing the customer is getting done across turns. */
export const TaskKind = z.enum(["car_search", "financing", "sales", "support", "company_info"]);
export type TaskKind = z.infer<typeof TaskKind>;

export const Task = z.object({
  kind: TaskKind,
  status: z.enum(["active", "suspended", "done"]),
  /** The customer's turn (1 = first message) that opened it. */
  opened_turn: z.number().int().nonnegative(),
});
export type Task = z.infer<typeof Task>;

/** A catalog car as the dialog keeps it: enough to name it, quote it and finance it without a new search. */
export const CarRef = z.object({
  stock_id: z.string(),
  make: z.string(),
  model: z.string(),
  year: z.number().int(),
  version: z.string(),
  /** Pesos, as the catalog gave it. */
  price: z.number().positive(),
  km: z.number().int().nonnegative(),
});
export type CarRef = z.infer<typeof CarRef>;

/** A step towards a deal the customer asks for (the desk's Lead kinds, plus buying the car outright). */
export const LeadKind = z.enum(["test_drive", "reserve", "trade_in", "sell_car", "buy"]);
export type LeadKind = z.infer<typeof LeadKind>;

/** A deal being set up across turns: what the desk needs, as the customer gives it. */
export const LeadDraft = z.object({
  kind: LeadKind,
  /** The customer's own car (selling it, or leaving it as part of the payment). */
  own_car: z.object({ make: z.string(), model: z.string(), year: z.number().int(), km: z.number().int().nonnegative() }).partial().optional(),
  /** A test drive's day (YYYY-MM-DD), time (HH:MM) and hub, in Mexico City. */
  day: z.string().optional(),
  time: z.string().optional(),
  hub: z.string().optional(),
});
export type LeadDraft = z.infer<typeof LeadDraft>;

/** What the customer told us, kept across turns and tasks; a new value overrides ("mejor a 60 meses"). */
export const Slots = z.object({
  car: CarRef.optional(),
  budget_max_cents: z.number().int().positive().optional(),
  /** One of the two: an amount, or a share of the car's price ("20% de enganche"). */
  down_payment_cents: z.number().int().nonnegative().optional(),
  down_payment_pct: z.number().min(0).max(1).optional(),
  term_months: z.number().int().positive().optional(),
  ticket_folio: z.string().optional(),
  plate: z.string().optional(),
  lead: LeadDraft.optional(),
});
export type Slots = z.infer<typeof Slots>;

export const Dialog = z.object({
  stack: z.array(Task),
  slots: Slots,
  /** Consecutive turns not understood; the third brings a person in. */
  failures: z.number().int().nonnegative(),
  /** The cars of the last list shown, in its order: "el segundo", "el Versa" choose among them. */
  results: z.array(CarRef),
  /** The last catalog search, so "el más barato" refines it. */
  query: CarQuery.partial().optional(),
  /** The title of the last passage of the base quoted: a follow-up ("¿y se puede extender?") is read with it. */
  topic: z.string().optional(),
  /** A person has the conversation: the bot says nothing until they hand it back. */
  waiting_for_person: z.boolean(),
});
export type Dialog = z.infer<typeof Dialog>;
export const EMPTY_DIALOG: Dialog = { stack: [], slots: {}, failures: 0, results: [], waiting_for_person: false };

/** The agent nodes of the conversation graph. */
export const AgentName = z.enum(["sales", "support", "company", "greeting"]);
export type AgentName = z.infer<typeof AgentName>;

/** One tool call of a turn, named as the LangChain tools are (src/tools/index.ts, src/tools/desk.ts). */
export const ToolCall = z.object({ name: z.string(), args: z.unknown(), result: z.unknown() });
export type ToolCall = z.infer<typeof ToolCall>;

/** A piece of the reply; compose orders them by kind. */
export const ReplyPart = z.object({
  kind: z.enum(["greeting", "task", "scope", "resume", "handoff"]),
  agent: z.string(),
  text: z.string(),
});
export type ReplyPart = z.infer<typeof ReplyPart>;

/** safety_violation and churn_risk: the care graph's decision on a complaint sent a person (its reasons). */
export const EscalationReason = z.enum(["human_request", "legal_threat", "safety_risk", "repeated_failure", "support", "lead", "priority", "safety_violation", "churn_risk"]);
export type EscalationReason = z.infer<typeof EscalationReason>;

/** What one turn did (replaced every turn): what tests, the golden set and a person's hand-off read. */
export const Turn = z.object({
  /** The customer's message as read (trimmed, cut at the settings' length). */
  text: z.string(),
  intents: z.array(Intent),
  /** The agents to run this turn, in order, and those that ran. */
  plan: z.array(AgentName),
  agents: z.array(z.string()),
  tools: z.array(ToolCall),
  /** Figures the reply may state, formatted as the customer reads them ("$265,999.00", "45,837 km"). */
  facts: z.array(z.string()),
  parts: z.array(ReplyPart),
  escalation: z.object({ reason: EscalationReason, priority: z.number().int().min(0).max(10) }).optional(),
  /** The message was not understood (counts towards the hand-off after repeated failures). */
  failed: z.boolean(),
  /** The reply compose joined from the parts, before the safety node checks it. */
  reply: z.string().optional(),
  /** Figures the grounding check refused in the composed reply (empty when it passed). */
  ungrounded: z.array(z.string()),
  /** The care graph's safety rules the reply hit (it was replaced when any did). */
  safety: z.array(z.string()),
});
export type Turn = z.infer<typeof Turn>;
export const emptyTurn = (text = ""): Turn => ({ text, intents: [], plan: [], agents: [], tools: [], facts: [], parts: [], failed: false, ungrounded: [], safety: [] });

/** The long-term profile of a customer (LangGraph store, namespace ["profiles", id]). */
export const Profile = z.object({
  name: z.string().optional(),
  budget_max_cents: z.number().int().positive().optional(),
  /** Cars looked at, newest first ("Nissan Versa 2020"). */
  interests: z.array(z.string()),
  financing: z.object({ down_payment_cents: z.number().int().optional(), down_payment_pct: z.number().optional(), term_months: z.number().int().optional() }),
  open_tickets: z.array(z.string()),
  /** Turns seen over all threads. */
  turns: z.number().int().nonnegative(),
});
export type Profile = z.infer<typeof Profile>;
export const EMPTY_PROFILE: Profile = { interests: [], financing: {}, open_tickets: [], turns: 0 };

/** How the conversation graph behaves (data/conversation.json). */
export const ConversationSettings = z.object({
  /** A longer message is cut here before anything reads it. */
  max_message_chars: z.number().int().min(100),
  /** Consecutive turns not understood before a person takes over. */
  max_failures: z.number().int().min(1),
  /** Cars in one list. */
  list_size: z.number().int().min(1).max(10),
  max_interests: z.number().int().min(1),
  /** Queue priority of a hand-off by its reason (0–10). */
  priorities: z.record(EscalationReason, z.number().int().min(0).max(10)),
  /** A known customer's support message at or above this priority (the care router's contactPriority) goes to a person. */
  priority_threshold: z.number().int().min(0).max(10).default(9),
  /** The care graph's safety rules that do not fit a sales reply (a "%" in a rate is no give-away), and why in _comment. */
  safety_rules_skipped: z.array(z.string()),
  /** Words (normalised) that make a message a greeting, a thanks or a goodbye, whatever else it asks. */
  greeting_words: z.object({ hello: z.array(z.string()), thanks: z.array(z.string()), bye: z.array(z.string()) }),
  /** Words (normalised) that ask for financing, or for the company's facts, whatever the classifier says. */
  financing_words: z.array(z.string()),
  company_words: z.array(z.string()),
  /** Knowledge-base passages about financing: quoted by the sales agent for a general question, left to it by the company agent. */
  financing_passages: z.array(z.string()),
  /** Words (normalised) that ask for a ticket's status, to close it, or about fines. */
  support_words: z.object({ status: z.array(z.string()), close: z.array(z.string()), fines: z.array(z.string()) }),
  /** Words (normalised) that ask for every term of a simulation at once. */
  all_terms_words: z.array(z.string()),
  /** The knowledge-base passage quoted when a sale or a trade-in starts (what happens next). */
  lead_passages: z.record(z.string(), z.string()),
  /** Words (normalised) that ask for a step towards a deal, by the lead's kind. */
  lead_words: z.record(LeadKind, z.array(z.string())),
  /** Phrases (match form) that try to set a price or a discount by decree: refused like an injection. */
  manipulation_markers: z.array(z.string()),
  /** Words (normalised) that say yes to the question the bot asked: the active task goes on. */
  affirmative_words: z.array(z.string()),
  /** Words that name a person: a pick from a list ("el primero, por favor") without one is not a request for a person. */
  person_words: z.array(z.string()).min(1),
  /** Words (normalised) naming a colour: the catalog does not record colours. */
  colour_words: z.array(z.string()),
});
export type ConversationSettings = z.infer<typeof ConversationSettings>;

/** Everything the conversation graph says to a customer or a person (prompts/conversation/*.json), with {{placeholders}}. */
export const ConversationTexts = z.object({
  greeting: z.object({
    hello: z.string(),
    hello_again: z.string(),
    hello_short: z.string(),
    thanks: z.string(),
    bye: z.string(),
    ack: z.string(),
    scope: z.string(),
    injection: z.string(),
    empty: z.string(),
  }),
  sales: z.object({
    car_line: z.string(),
    list_match: z.string(),
    list_one: z.string(),
    list_alternatives: z.string(),
    none: z.string(),
    relaxed: z.record(z.enum(["km", "year", "price", "features", "model", "make"]), z.string()),
    ask_search: z.string(),
    chosen: z.string(),
    next_step: z.string(),
    no_colour: z.string(),
    choice_unknown: z.string(),
    ask_car: z.string(),
    ask_car_from_list: z.string(),
    ask_down_payment: z.string(),
    plan_one: z.string(),
    plan_line: z.string(),
    plan_all: z.string(),
    refused: z.string(),
    lead: z.string(),
    lead_kinds: z.record(LeadKind, z.string()),
    ask_own_car: z.string(),
    own_car_fields: z.object({ make_model: z.string(), year: z.string(), km: z.string() }),
    lead_created: z.string(),
    ask_test_drive: z.string(),
    test_drive_fields: z.object({ car: z.string(), day: z.string(), time: z.string(), hub: z.string() }),
    test_drive_booked: z.string(),
    desk_refused: z.string(),
    lead_car: z.string(),
    lead_desk: z.string(),
  }),
  company: z.object({ answer: z.string(), unknown: z.string() }),
  support: z.object({
    ticket_opened: z.string(),
    ticket_status: z.string(),
    ticket_line: z.string(),
    statuses: z.record(z.enum(["open", "in_progress", "closed"]), z.string()),
    note_added: z.string(),
    closed: z.string(),
    refused: z.string(),
    folio_hint: z.string(),
    ask_plate: z.string(),
    fines: z.string(),
    no_desk: z.string(),
  }),
  dialog: z.object({ resume_car: z.string(), resume_down_payment: z.string(), resume: z.record(TaskKind, z.string()), grounding_fallback: z.string(), safety_fallback: z.string() }),
  handoff: z.object({
    transition: z.record(EscalationReason, z.string()),
    reason: z.string(),
    slots: z.string(),
    no_slots: z.string(),
    messages: z.string(),
  }),
});
export type ConversationTexts = z.infer<typeof ConversationTexts>;
