import { z } from "zod";
import { Segment } from "./segment.js";
import { TextPattern, ToolName } from "./golden.js";

/**
 * A simulated customer's scenario (data/simulated-customers/, issue 11): who the customer is, with no name
 * and no personal data, and a goal the runner can check on the turn records without reading the replies'
 * prose. This file is the one definition of the format.
 */

export const SCENARIO_CATEGORIES = ["sales", "financing", "support", "company_info", "handoff"] as const;
export const ScenarioCategory = z.enum(SCENARIO_CATEGORIES);
export type ScenarioCategory = z.infer<typeof ScenarioCategory>;

export const Tone = z.enum(["cordial", "directo", "molesto"]);
export type Tone = z.infer<typeof Tone>;

export const Persona = z
  .object({
    segment: Segment,
    tone: Tone,
    /** The most the customer will pay for a car, in pesos. */
    budget_mxn: z.number().positive().optional(),
    /** The down payment the customer offers when asked: a share of the price, or pesos. */
    down_payment: z.union([z.object({ percent: z.number().gt(0).max(100) }).strict(), z.object({ pesos: z.number().positive() }).strict()]).optional(),
    term_months: z.number().int().positive().optional(),
    /** How the customer picks from a list of cars. */
    preference: z.enum(["cheapest", "newest"]).default("cheapest"),
    /** What the customer knows and says when it fits: the car, in its own words; the models it would take. */
    knows: z
      .object({
        car: z.string().min(1).optional(),
        models: z.array(z.string().min(1)).default([]),
        /** The problem, in the customer's words (support). */
        issue: z.string().min(1).optional(),
        /** Anything else it can tell: when the bot's question has one of these words (as normalised), it says this. */
        answers: z.array(z.object({ cues: z.array(z.string().min(1)).min(1), say: z.string().min(1) }).strict()).default([]),
      })
      .strict()
      .default({ models: [], answers: [] }),
  })
  .strict();
export type Persona = z.infer<typeof Persona>;

/** When the goal is met, read on one turn's record (and the conversation's search results before it). */
export const GoalCheck = z.discriminatedUnion("kind", [
  /** A simulation whose plans include this term, for a car of this model, with this down payment (±1%). */
  z
    .object({
      kind: z.literal("financing"),
      model: z.string().min(1),
      term_months: z.number().int().positive(),
      down_payment_percent: z.number().gt(0).max(100).optional(),
    })
    .strict(),
  /** The tool was called; if `reply` is given, that turn's reply says it. */
  z.object({ kind: z.literal("tool"), tool: ToolName, reply: TextPattern.optional() }).strict(),
  /** The conversation went to a person. */
  z.object({ kind: z.literal("handoff") }).strict(),
  /** A catalog search returned a car meeting every bound given. */
  z
    .object({
      kind: z.literal("catalog_match"),
      price_max: z.number().positive().optional(),
      models: z.array(z.string().min(1)).min(1).optional(),
      year_min: z.number().int().optional(),
    })
    .strict(),
]);
export type GoalCheck = z.infer<typeof GoalCheck>;

export const Scenario = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "lowercase letters, digits and dashes"),
    category: ScenarioCategory,
    persona: Persona,
    goal: z.object({ description: z.string().min(1), success: GoalCheck }).strict(),
    /** The customer's first message; what it says next depends on the replies. */
    opening: z.string().min(1),
    /** What the customer says, in turn, when the bot did not understand or asked what it cannot answer. */
    rephrasings: z.array(z.string().min(1)).min(1),
    max_turns: z.number().int().min(1).max(20).default(6),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

/** What the bot did on one turn, as the customer may read it (the conversation graph's `turn` record). */
export interface TurnRecord {
  intents: string[];
  tools: Array<{ name: string; args?: unknown; result?: unknown }>;
}

/** One exchange: the customer's message, the bot's reply and what the bot did. */
export interface Exchange {
  customer: string;
  reply: string;
  turn: TurnRecord;
  handedOff: boolean;
}

/**
 * Plays the customer of one scenario: its next message after these exchanges, or null when it gives up.
 * The runner, not the customer, stops on the goal met, a hand-off and the turn limit: the same for any customer.
 */
export interface SimulatedCustomer {
  next(history: readonly Exchange[], signal?: AbortSignal): Promise<string | null>;
}

/** A whole conversation's score by a judge: 0–10, with why. */
export const ConversationVerdict = z.object({
  score: z.number().min(0).max(10),
  rationale: z.string(),
});
export type ConversationVerdict = z.infer<typeof ConversationVerdict>;

/** Judges a whole simulated conversation. */
export interface ConversationJudge {
  readonly kind: "rules" | "llm";
  judge(input: ConversationJudgeInput, signal?: AbortSignal): Promise<ConversationVerdict>;
}

export interface ConversationJudgeInput {
  scenario: Scenario;
  history: readonly Exchange[];
  goalMet: boolean;
  /** Turns whose reply broke a rule every reply keeps (empty, a tool's name, an amount nobody gave). */
  failedTurns: number;
}

const toneTexts = z.object({ cordial: z.array(z.string().min(1)).min(1), directo: z.array(z.string().min(1)).min(1), molesto: z.array(z.string().min(1)).min(1) }).strict();

/** What the offline customer says, per tone (prompts/simulated-customer/phrases.es-MX.json). */
export const CustomerPhrases = z
  .object({
    down_payment_percent: toneTexts,
    down_payment_pesos: toneTexts,
    term: toneTexts,
    pick: toneTexts,
    car: toneTexts,
    issue: toneTexts,
    rephrase: toneTexts,
    ordinals: z.array(z.string().min(1)).min(5),
  })
  .strict();
export type CustomerPhrases = z.infer<typeof CustomerPhrases>;

/** How the offline customer reads what the bot asks: words of a reply, as normalised (data/simulated-customer-cues.json). */
export const CustomerCues = z
  .object({
    down_payment: z.array(z.string().min(1)).min(1),
    term: z.array(z.string().min(1)).min(1),
    which_car: z.array(z.string().min(1)).min(1),
    pick: z.array(z.string().min(1)).min(1),
    issue: z.array(z.string().min(1)).min(1),
    /** A sentence that opens with one of these asks for something, "?" or not ("dime que dia…"). */
    request_openers: z.array(z.string().min(1)).min(1),
  })
  .strict();
export type CustomerCues = z.infer<typeof CustomerCues>;
