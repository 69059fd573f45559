import { AIMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { ToolCall } from "../../../domain/conversation.js";
import { formatKm, formatPesos } from "../../../tools/index.js";
import { factsOf, figures } from "../grounding.js";

/** A tool's answer as the turn records it: its JSON parsed, else the text (a ToolNode error message). */
function parsed(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

/** The tool calls of an agent's model turn, each with the args the model gave and the result its tool answered. */
export function recordedCalls(messages: readonly BaseMessage[]): ToolCall[] {
  const results = new Map(messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m)).map((m) => [m.tool_call_id, m]));
  return messages.flatMap((m) =>
    AIMessage.isInstance(m)
      ? (m.tool_calls ?? []).flatMap((c) => {
          const r = c.id === undefined ? undefined : results.get(c.id);
          return r ? [{ name: c.name, args: c.args, result: parsed(r.text) }] : [];
        })
      : [],
  );
}

/** Every figure a tool's result holds, formatted as a reply states it: prices and km by field, amounts in its texts. */
export function resultFacts(value: unknown, key = ""): string[] {
  if (typeof value === "string") return factsOf(value);
  if (typeof value === "number") {
    if (key.endsWith("_cents")) return [formatPesos(value)];
    if (key === "price") return [formatPesos(Math.round(value * 100))];
    if (key === "km" || key === "km_max") return [formatKm(value)];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => resultFacts(v, key));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => resultFacts(v, k));
  return [];
}

/**
 * The figures the turn's tool calls back. A simulation counts only when its price is one the turn already
 * backs (a catalog result, a slot) or the customer wrote: a model cannot ground a payment on a price it made up.
 */
export function callFacts(calls: readonly ToolCall[], known: readonly string[]): string[] {
  const facts = calls.filter((c) => c.name !== "simulate_financing").flatMap((c) => resultFacts(c.result));
  const backed = new Set(figures([...known, ...facts].join("\n")).cents);
  for (const c of calls.filter((x) => x.name === "simulate_financing")) {
    const price = (c.args as { price?: unknown }).price;
    if (typeof price === "number" && backed.has(Math.round(price * 100))) facts.push(...resultFacts(c.result));
  }
  return facts;
}

/**
 * The figures a model's answer may state: those the turn backed before (`known`) and those its tool calls
 * produced. The customer's own figures (`incoming`) may price a simulation but are no fact themselves.
 */
export function groundingFacts(messages: readonly BaseMessage[], known: readonly string[], incoming: string): string[] {
  return [...known, ...callFacts(recordedCalls(messages), [...known, ...factsOf(incoming)])];
}
