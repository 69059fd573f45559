import { z } from "zod";
import { TOOL_NAMES, type GoldenTurn, type TextPattern } from "../../domain/golden.js";
import { normalize } from "../../domain/text-rules.js";
import { isMoney, moneyAmounts } from "../../tools/amounts.js";

/** What the graph did with one message, as a driver reports it (docs/plans/conversation.md, the `turn` record). */
export const DriverTurn = z.object({
  reply: z.string(),
  turn: z.object({
    intents: z.array(z.string()),
    tools: z.array(z.object({ name: z.string(), args: z.unknown().optional(), result: z.unknown().optional() })),
    /** Figures the reply may state, as formatted. */
    facts: z.array(z.string()).optional(),
    escalation: z.unknown().optional(),
  }),
  /** The run stopped at an interrupt: the conversation went to a person. */
  interrupted: z.boolean(),
});
export type DriverTurn = z.infer<typeof DriverTurn>;

/** Sends one customer message on a thread and reports the turn. */
export type Driver = (threadId: string, message: string) => Promise<DriverTurn>;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "$222,999" with its optional ".00" for whole pesos; exactly "$5,123.45" with centavos. */
function pesosRe(pesos: number): RegExp {
  const cents = Math.round(pesos * 100);
  const whole = Math.floor(cents / 100).toLocaleString("en-US");
  const frac = cents % 100;
  const tail = frac === 0 ? String.raw`(?:\.00)?` : `\\.${String(frac).padStart(2, "0")}`;
  return new RegExp(String.raw`\$\s?${escapeRe(whole)}${tail}(?![\d]|[.,]\d)`, "u");
}

export function describePattern(p: TextPattern): string {
  if (typeof p === "string") return JSON.stringify(p);
  return "re" in p ? `/${p.re}/` : `pesos ${p.pesos}`;
}

export function matches(reply: string, p: TextPattern): boolean {
  if (typeof p === "string") return normalize(reply).includes(normalize(p));
  if ("re" in p) return new RegExp(p.re, "iu").test(reply);
  return pesosRe(p.pesos).test(reply);
}

/** Every "$" amount of a reply, in centavos. */
export function statedAmounts(text: string): number[] {
  return [...text.matchAll(/\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?(?![\d])/gu)].map(
    (m) => Number(m[1]!.replace(/,/g, "")) * 100 + Number(m[2] ?? 0),
  );
}

/**
 * The amounts a conversation has made known so far, in centavos: every number in the tools' arguments and
 * results (read both as pesos and as centavos: the tools use both), every "$" figure in their texts and in
 * the turn's facts, and the amounts the customer wrote.
 */
export class KnownAmounts {
  private readonly cents = new Set<number>();

  addCustomer(message: string): void {
    for (const a of moneyAmounts(normalize(message)).filter(isMoney)) this.cents.add(Math.round(a.value * 100));
  }

  addTurn(t: DriverTurn["turn"]): void {
    const walk = (v: unknown): void => {
      if (typeof v === "number" && Number.isFinite(v)) this.cents.add(Math.round(v * 100)).add(Math.round(v));
      else if (typeof v === "string") {
        for (const c of statedAmounts(v)) this.cents.add(c);
        // Tool results often come as JSON text.
        if (/^\s*[[{]/.test(v)) {
          try {
            walk(JSON.parse(v));
          } catch {
            // not JSON after all: its "$" figures were read above
          }
        }
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
    };
    for (const tool of t.tools) walk([tool.args, tool.result]);
    walk(t.facts ?? []);
  }

  has(cents: number): boolean {
    return this.cents.has(cents);
  }
}

const TOOL_NAME_RE = new RegExp(`\\b(${TOOL_NAMES.join("|")})\\b`, "u");
const money = (cents: number) => `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * Why a turn fails its expectations; none when it meets them. Besides the turn's own expectations, every
 * reply: is not empty (unless the conversation went to a person), names no tool, and states no amount that
 * neither a tool nor the customer gave in this conversation (`known`, with this turn's tools already added).
 */
export function checkTurn(expect: GoldenTurn, got: DriverTurn, known: KnownAmounts): string[] {
  const out: string[] = [];
  const { reply, turn } = got;
  for (const i of expect.intents) if (!turn.intents.includes(i)) out.push(`intent ${i} not detected (got ${turn.intents.join(", ") || "none"})`);
  for (const i of expect.not_intents) if (turn.intents.includes(i)) out.push(`intent ${i} detected, must not be`);
  const called = turn.tools.map((t) => t.name);
  for (const t of expect.tools) if (!called.includes(t)) out.push(`tool ${t} not called (called ${called.join(", ") || "none"})`);
  for (const t of expect.not_tools) if (called.includes(t)) out.push(`tool ${t} called, must not be`);
  for (const f of expect.facts) if (!matches(reply, f)) out.push(`reply lacks ${describePattern(f)}`);
  for (const f of expect.never) if (matches(reply, f)) out.push(`reply contains ${describePattern(f)}`);
  const escalated = got.interrupted || (turn.escalation !== undefined && turn.escalation !== null);
  if (expect.escalation && !escalated) out.push("no hand-off to a person, one was expected");
  if (!expect.escalation && escalated) out.push("handed to a person, must not be");
  if (!escalated && reply.trim() === "") out.push("empty reply");
  const tool = TOOL_NAME_RE.exec(reply);
  if (tool) out.push(`reply names the tool ${tool[1]}`);
  const invented = statedAmounts(reply).filter((c) => !known.has(c));
  if (invented.length > 0) out.push(`reply states ${invented.map(money).join(", ")}, which no tool and not the customer gave`);
  return out;
}
