import type { CarRef, ReplyPart, ToolCall, Turn } from "../../domain/conversation.js";
import type { Car } from "../../domain/car.js";
import { interpolate, type TemplateVars } from "../../domain/fill.js";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { formatKm, formatPesos, type DeskCaller } from "../../tools/index.js";
import { readConversationContext, type ConversationStateType } from "./state.js";
import { turnNumber } from "./understand.js";

/** What one agent adds to the turn: its part of the reply, its tool calls, the figures it may state. */
export class Contribution {
  readonly parts: ReplyPart[] = [];
  readonly tools: ToolCall[] = [];
  readonly facts: string[] = [];
  escalation?: Turn["escalation"];

  constructor(private readonly agent: string) {}

  say(template: string, vars: TemplateVars = {}, kind: ReplyPart["kind"] = "task"): void {
    this.parts.push({ kind, agent: this.agent, text: interpolate(template, vars) });
  }

  called(name: string, args: unknown, result: unknown): void {
    this.tools.push({ name, args, result });
  }

  /** The turn with this agent's contribution added after the earlier agents'. */
  into(turn: Turn): Turn {
    return {
      ...turn,
      agents: [...turn.agents, this.agent],
      parts: [...turn.parts, ...this.parts],
      tools: [...turn.tools, ...this.tools],
      facts: [...turn.facts, ...this.facts],
      escalation: turn.escalation ?? this.escalation,
    };
  }
}

export function carRef(c: Car): CarRef {
  return { stock_id: c.stock_id, make: c.make, model: c.model, year: c.year, version: c.version, price: c.price, km: c.km };
}

/** "Nissan Versa 2020". */
export const carLabel = (c: Pick<CarRef, "make" | "model" | "year">) => `${c.make} ${c.model} ${c.year}`;

/** A car's figures as a reply states them, and as facts the grounding check accepts. */
export function carFigures(c: Pick<CarRef, "price" | "km">): { price: string; km: string } {
  return { price: formatPesos(Math.round(c.price * 100)), km: formatKm(c.km) };
}

export function carVars(c: CarRef): TemplateVars {
  return { make: c.make, model: c.model, year: String(c.year), version: c.version, ...carFigures(c) };
}

/** Who asks the desk: the customer (or the thread of an anonymous visitor), keyed on the turn so a redelivered run writes once. */
export function deskCaller(state: Pick<ConversationStateType, "messages">, config: LangGraphRunnableConfig): DeskCaller {
  const ctx = readConversationContext(config);
  const thread = String(config.configurable?.thread_id ?? "");
  return { customer_id: ctx.customer_id ?? thread, thread_id: thread || null, channel: ctx.channel, key: `${thread}:${turnNumber(state.messages)}` };
}

/** What a refused desk or fines call says to the customer. */
export const refusals = (r: { ok: true } | { ok: false; refusals: ReadonlyArray<{ message: string }> }) => (r.ok ? "" : r.refusals.map((x) => x.message).join(" "));
