import { z } from "zod";
import { Intent } from "./intent.js";

/**
 * The conversation graph's golden set (data/golden/, issue 11): multi-turn conversations, each turn a
 * customer's message and what the graph must do with it. This file is the one definition of the format;
 * data/golden/README.md explains it to the people who write the conversations.
 */

export const GOLDEN_CATEGORIES = [
  "greeting",
  "car_search",
  "financing",
  "company_info",
  "multi_intent",
  "dialog",
  "handoff",
  "escalation",
  "support",
  "sales",
  "bad_input",
  "injection",
] as const;
export const GoldenCategory = z.enum(GOLDEN_CATEGORIES);
export type GoldenCategory = z.infer<typeof GoldenCategory>;

/** The tools a turn may call, by the names the graph records in `turn.tools`. */
export const TOOL_NAMES = [
  "search_catalog",
  "simulate_financing",
  "search_knowledge",
  "open_ticket",
  "ticket_status",
  "add_ticket_note",
  "close_ticket",
  "book_test_drive",
  "create_lead",
  "lookup_fines",
] as const;
export const ToolName = z.enum(TOOL_NAMES);
export type ToolName = z.infer<typeof ToolName>;

const regex = z.string().min(1).refine((s) => {
  try {
    new RegExp(s, "iu");
    return true;
  } catch {
    return false;
  }
}, "not a valid regular expression");

/**
 * What a reply must or must not contain. A string: that text, ignoring case and accents. `re`: a regular
 * expression (case-insensitive) on the reply as written. `pesos`: an amount as a customer reads it, "$222,999"
 * or "$222,999.00" for whole pesos, exactly "$5,123.45" with centavos.
 */
export const TextPattern = z.union([
  z.string().min(1),
  z.object({ re: regex }).strict(),
  z.object({ pesos: z.number().nonnegative().multipleOf(0.01) }).strict(),
]);
export type TextPattern = z.infer<typeof TextPattern>;

/** A message too long to write out ("10,000 characters") is one text repeated. */
export const GoldenMessage = z.union([
  z.string(),
  z.object({ repeat: z.string().min(1), times: z.number().int().min(1).max(100_000) }).strict(),
]);
export type GoldenMessage = z.infer<typeof GoldenMessage>;

export const GoldenTurn = z
  .object({
    user: GoldenMessage,
    /** Intents the graph must detect in this message; it may detect others. */
    intents: z.array(Intent).default([]),
    /** Intents it must not detect (an injection is never `human`). */
    not_intents: z.array(Intent).default([]),
    /** Tools the graph must call during this turn. */
    tools: z.array(ToolName).default([]),
    /** Tools it must not call during this turn. */
    not_tools: z.array(ToolName).default([]),
    /** What the reply must contain. */
    facts: z.array(TextPattern).default([]),
    /** What the reply must not contain. */
    never: z.array(TextPattern).default([]),
    /** Handing the conversation to a person is expected (true) or must not happen (false). */
    escalation: z.boolean().default(false),
    /** Why the turn expects what it does, for the reader. */
    note: z.string().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const [must, mustNot] of [["intents", "not_intents"], ["tools", "not_tools"]] as const) {
      const both = t[must].filter((x) => (t[mustNot] as readonly string[]).includes(x));
      if (both.length > 0) ctx.addIssue({ code: "custom", path: [mustNot], message: `${both.join(", ")} also in ${must}: no turn can meet both` });
    }
  });
export type GoldenTurn = z.infer<typeof GoldenTurn>;

export const GoldenConversation = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lower case words joined by dashes"),
    /** What the conversation tests, in a line. */
    title: z.string().min(1),
    turns: z.array(GoldenTurn).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    // After a hand-off a person answers: no turn of the golden set can follow it.
    c.turns.forEach((t, i) => {
      if (t.escalation && i < c.turns.length - 1)
        ctx.addIssue({ code: "custom", path: ["turns", i, "escalation"], message: "a hand-off ends the conversation: it must be the last turn" });
    });
  });
export type GoldenConversation = z.infer<typeof GoldenConversation>;

/** One file of data/golden/: the conversations of one category (the file is named after it). */
export const GoldenFile = z
  .object({
    category: GoldenCategory,
    description: z.string().min(1),
    conversations: z.array(GoldenConversation).min(1),
  })
  .strict();
export type GoldenFile = z.infer<typeof GoldenFile>;

/** The text of a message as the customer sends it. */
export function messageText(m: GoldenMessage): string {
  return typeof m === "string" ? m : m.repeat.repeat(m.times);
}
