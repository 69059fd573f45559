import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AIMessage } from "@langchain/core/messages";
import { Annotation, interrupt, MemorySaver, MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import { afterEach, describe, expect, it } from "vitest";
import { graphDriver } from "../../src/app/eval/conversation-driver.js";
import { checkTurn, KnownAmounts, matches, type Driver, type DriverTurn } from "../../src/app/eval/check.js";
import { formatGoldenReport, headlineScore, runConversation, runGolden } from "../../src/app/eval/golden.js";
import { meanPassHatK, passHatK } from "../../src/app/eval/pass-k.js";
import { GOLDEN_CATEGORIES, GoldenConversation, GoldenTurn, type GoldenFile } from "../../src/domain/golden.js";
import { AssetError, loadGoldenSet } from "../../src/store/assets.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A golden folder holding these files, by name. */
function goldenDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "golden-"));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), typeof body === "string" ? body : JSON.stringify(body));
  return dir;
}

const file = (category: string, conversations: unknown[]) => ({ category, description: "x", conversations });
const conv = (id: string, turns: unknown[]) => ({ id, title: "x", turns });
const loadError = (dir: string) => {
  try {
    loadGoldenSet(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(AssetError);
    return (e as Error).message;
  }
  throw new Error("loaded a bad golden set");
};

describe("data/golden", () => {
  it("loads, every category there, 80 conversations or more", () => {
    const files = loadGoldenSet();
    expect(files.map((f) => f.category)).toEqual([...GOLDEN_CATEGORIES]);
    expect(files.reduce((n, f) => n + f.conversations.length, 0)).toBeGreaterThanOrEqual(80);
  });

  it("no turn forbids a text or an amount it requires", () => {
    const clashes = loadGoldenSet().flatMap((f) =>
      f.conversations.flatMap((c) =>
        c.turns.flatMap((t, i) => {
          const required = t.facts.flatMap((p) => (typeof p === "string" ? [p] : "pesos" in p ? [`$${p.pesos.toLocaleString("en-US", { minimumFractionDigits: 2 })}`] : []));
          return t.never.filter((n) => required.some((r) => matches(r, n))).map((n) => `${c.id} turn ${i + 1}: ${JSON.stringify(n)}`);
        }),
      ),
    );
    expect(clashes).toEqual([]);
  });
});

describe("loadGoldenSet refuses a bad file, naming it and the field", () => {
  it("an unknown tool", () => {
    const dir = goldenDir({ "financing.json": file("financing", [conv("fin-a", [{ user: "hola", tools: ["search_catalogue"] }])]) });
    expect(loadError(dir)).toMatch(/financing\.json: conversations\.0\.turns\.0\.tools\.0 \(conversation fin-a\): Invalid option/);
  });

  it("a missing message, an unknown field, a bad regular expression, a bad amount", () => {
    expect(loadError(goldenDir({ "greeting.json": file("greeting", [conv("g", [{ intents: ["greeting"] }])]) }))).toMatch(/turns\.0\.user/);
    expect(loadError(goldenDir({ "greeting.json": file("greeting", [conv("g", [{ user: "hola", fact: ["x"] }])]) }))).toMatch(/turns\.0 \(conversation g\): Unrecognized key: "fact"/);
    expect(loadError(goldenDir({ "greeting.json": file("greeting", [conv("g", [{ user: "hola", never: [{ re: "(" }] }])]) }))).toMatch(/turns\.0\.never\.0/);
    expect(loadError(goldenDir({ "greeting.json": file("greeting", [conv("g", [{ user: "hola", facts: [{ pesos: 1.005 }] }])]) }))).toMatch(/turns\.0\.facts\.0/);
  });

  it("a turn that contradicts itself", () => {
    const dir = goldenDir({ "sales.json": file("sales", [conv("s", [{ user: "x", tools: ["create_lead"], not_tools: ["create_lead"] }])]) });
    expect(loadError(dir)).toMatch(/turns\.0\.not_tools \(conversation s\): create_lead also in tools/);
  });

  it("a hand-off before the last turn", () => {
    const dir = goldenDir({ "handoff.json": file("handoff", [conv("h", [{ user: "un asesor", escalation: true }, { user: "hola" }])]) });
    expect(loadError(dir)).toMatch(/turns\.0\.escalation \(conversation h\): a hand-off ends the conversation/);
  });

  it("a file named after another category, an id used twice, broken JSON", () => {
    expect(loadError(goldenDir({ "sales.json": file("support", [conv("s", [{ user: "x" }])]) }))).toMatch(/sales\.json: category: "support" belongs in support\.json/);
    const twice = goldenDir({ "sales.json": file("sales", [conv("s", [{ user: "x" }])]), "support.json": file("support", [conv("s", [{ user: "y" }])]) });
    expect(loadError(twice)).toMatch(/support\.json: conversation id "s" is also in sales\.json/);
    expect(loadError(goldenDir({ "sales.json": "{ nope" }))).toMatch(/sales\.json: .*JSON/);
  });
});

const turn = (t: Record<string, unknown>) => GoldenTurn.parse(t);
const got = (over: Partial<DriverTurn> & { tools?: DriverTurn["turn"]["tools"]; intents?: string[]; escalation?: unknown } = {}): DriverTurn => ({
  reply: over.reply ?? "Claro, te ayudo.",
  turn: { intents: over.intents ?? [], tools: over.tools ?? [], ...(over.escalation === undefined ? {} : { escalation: over.escalation }) },
  interrupted: over.interrupted ?? false,
});
const known = (...turns: DriverTurn[]) => {
  const k = new KnownAmounts();
  turns.forEach((t) => k.addTurn(t.turn));
  return k;
};

describe("matches", () => {
  it("texts ignore case and accents; pesos take whole pesos with or without centavos, centavos exactly", () => {
    expect(matches("Tenemos hub en QUERÉTARO", "queretaro")).toBe(true);
    expect(matches("el Jetta 2018 en $222,999.00", { pesos: 222999 })).toBe(true);
    expect(matches("el Jetta 2018 en $222,999", { pesos: 222999 })).toBe(true);
    expect(matches("el Jetta en $222,999.50", { pesos: 222999 })).toBe(false);
    expect(matches("en $1,222,999", { pesos: 222999 })).toBe(false);
    expect(matches("en $2,222,999.00", { pesos: 2222999 })).toBe(true);
    expect(matches("pagas $4,387.70 al mes", { pesos: 4387.7 })).toBe(true);
    expect(matches("pagas $4,387.71 al mes", { pesos: 4387.7 })).toBe(false);
    expect(matches("a 48 meses", { re: "\\b48\\b" })).toBe(true);
  });
});

describe("checkTurn", () => {
  const expectation = turn({ user: "x", intents: ["financing"], tools: ["simulate_financing"], facts: [{ pesos: 4387.7 }], never: ["descuento"] });
  const good = got({
    reply: "Con $50,000 de enganche a 48 meses pagas $4,387.70 al mes.",
    intents: ["financing", "greeting"],
    tools: [{ name: "simulate_financing", args: { price: 222999, downPayment: 50000, termMonths: 48 }, result: { plans: [{ monthly_payment_cents: 438770 }] } }],
  });

  it("passes a turn that meets every expectation", () => {
    expect(checkTurn(expectation, good, known(good))).toEqual([]);
  });

  it("names each expectation a turn misses", () => {
    const bad = got({ reply: "Te damos un descuento: pagas $4,000.00", intents: ["greeting"], tools: [{ name: "search_catalog" }] });
    expect(checkTurn(expectation, bad, known(bad))).toEqual([
      "intent financing not detected (got greeting)",
      "tool simulate_financing not called (called search_catalog)",
      "reply lacks pesos 4387.7",
      'reply contains "descuento"',
      "reply states $4,000.00, which no tool and not the customer gave",
    ]);
  });

  it("intents and tools that must not be there", () => {
    const t = turn({ user: "x", not_intents: ["human"], not_tools: ["create_lead"] });
    const g = got({ intents: ["human"], tools: [{ name: "create_lead" }] });
    expect(checkTurn(t, g, known(g))).toEqual(["intent human detected, must not be", "tool create_lead called, must not be"]);
  });

  it("a hand-off: expected and missing, unexpected, or reported by the turn or by an interrupt", () => {
    expect(checkTurn(turn({ user: "x", escalation: true }), got(), known())).toEqual(["no hand-off to a person, one was expected"]);
    expect(checkTurn(turn({ user: "x" }), got({ escalation: { reason: "legal_threat", priority: 10 } }), known())).toEqual(["handed to a person, must not be"]);
    expect(checkTurn(turn({ user: "x", escalation: true }), got({ reply: "", interrupted: true }), known())).toEqual([]);
  });

  it("every reply: not empty, no tool's name", () => {
    expect(checkTurn(turn({ user: "x" }), got({ reply: "  " }), known())).toEqual(["empty reply"]);
    expect(checkTurn(turn({ user: "x" }), got({ reply: "Usé search_catalog y no hay nada" }), known())).toEqual(["reply names the tool search_catalog"]);
  });

  it("an amount is grounded by any tool of the conversation, a figure in a tool's text, or the customer's words", () => {
    const k = new KnownAmounts();
    k.addCustomer("tengo 250 mil");
    k.addTurn(got({ tools: [{ name: "search_catalog", result: JSON.stringify({ cars: [{ price: 222999 }] }) }] }).turn);
    k.addTurn(got({ tools: [{ name: "simulate_financing", result: "El enganche mínimo es el 10% del precio: $22,299.90." }] }).turn);
    const reply = got({ reply: "Con tus $250,000 alcanza el Jetta de $222,999.00; enganche mínimo $22,299.90, no $19,999." });
    expect(checkTurn(turn({ user: "x" }), reply, k)).toEqual(["reply states $19,999.00, which no tool and not the customer gave"]);
  });
});

describe("pass^k, C(c,k)/C(n,k)", () => {
  it("by hand", () => {
    expect(passHatK(10, 7, 1)).toBeCloseTo(0.7, 12); // pass^1 is the pass rate
    expect(passHatK(5, 3, 2)).toBeCloseTo(3 / 10, 12); // C(3,2)=3, C(5,2)=10
    expect(passHatK(8, 6, 4)).toBeCloseTo(15 / 70, 12); // C(6,4)=15, C(8,4)=70
    expect(passHatK(4, 4, 4)).toBe(1);
    expect(passHatK(4, 2, 3)).toBe(0); // fewer passes than k
    expect(passHatK(3, 0, 1)).toBe(0);
    expect(meanPassHatK([3, 5], 5, 2)).toBeCloseTo((0.3 + 1) / 2, 12);
  });

  it("refuses what is not an estimate", () => {
    expect(() => passHatK(3, 4, 1)).toThrow(RangeError);
    expect(() => passHatK(3, 2, 4)).toThrow(RangeError);
    expect(() => passHatK(3, 2, 0)).toThrow(RangeError);
    expect(() => passHatK(3, 1.5, 1)).toThrow(RangeError);
  });
});

const convOf = (id: string, turns: Record<string, unknown>[]) => GoldenConversation.parse({ id, title: id, turns });
const set: GoldenFile[] = [
  { category: "greeting", description: "x", conversations: [convOf("g-1", [{ user: "hola", intents: ["greeting"] }, { user: "gracias", intents: ["greeting"] }])] },
  { category: "car_search", description: "x", conversations: [convOf("c-1", [{ user: "jeta", facts: ["Jetta"] }]), convOf("c-2", [{ user: "vocho", facts: ["Gol"] }])] },
];

describe("runGolden", () => {
  it("stops a conversation at its first failing turn, on a thread of its own, and scores per category", async () => {
    const calls: Array<[string, string]> = [];
    const driver: Driver = async (thread, message) => {
      calls.push([thread, message]);
      if (message === "hola") return got({ intents: ["greeting"] });
      return got({ reply: message === "jeta" ? "Tenemos el Jetta" : "No tenemos vocho", intents: ["car_search"] });
    };
    const r = await runGolden(set, driver);
    expect(calls.map(([, m]) => m)).toEqual(["hola", "gracias", "jeta", "vocho"]);
    expect(new Set(calls.map(([t]) => t)).size).toBe(3);
    expect(calls[0]![0]).toBe(calls[1]![0]);
    expect(r.categories).toEqual([
      { category: "greeting", conversations: 1, passK: [0] },
      { category: "car_search", conversations: 2, passK: [0.5] },
    ]);
    expect(headlineScore(r)).toBeCloseTo(1 / 3, 12);
    expect(r.failures.map((f) => [f.id, f.turn, f.reasons])).toEqual([
      ["g-1", 2, ["intent greeting not detected (got car_search)"]],
      ["c-2", 1, ['reply lacks "Gol"']],
    ]);
    const text = formatGoldenReport(r);
    expect(text).toMatch(/greeting\s+1\s+0\.0%/);
    expect(text).toMatch(/car_search\s+2\s+50\.0%/);
    expect(text).toMatch(/car_search\/c-2, turn 1: reply lacks "Gol"/);
  });

  it("with trials, pass^1 … pass^n per conversation, the headline being pass^n", async () => {
    let n = 0;
    // c-1 passes on runs 1 and 3 of 3, c-2 on every run: pass^1 = (2/3 + 1)/2, pass^2 = (1/3 + 1)/2, pass^3 = (0 + 1)/2.
    const driver: Driver = async (_t, message) => (message === "jeta" ? got({ reply: ++n === 2 ? "nada" : "el Jetta" }) : got({ reply: "el Gol" }));
    const r = await runGolden(set, driver, { trials: 3, category: "car_search" });
    expect(r.categories.map((c) => c.category)).toEqual(["car_search"]);
    expect(r.overall.passK[0]).toBeCloseTo(5 / 6, 12);
    expect(r.overall.passK[1]).toBeCloseTo(2 / 3, 12);
    expect(r.overall.passK[2]).toBeCloseTo(1 / 2, 12);
    expect(headlineScore(r)).toBeCloseTo(1 / 2, 12);
    expect(formatGoldenReport(r)).toMatch(/pass\^3/);
  });

  it("a driver that throws or answers out of shape fails the turn, saying so", async () => {
    const c = convOf("x", [{ user: "hola" }]);
    expect((await runConversation(async () => Promise.reject(new Error("boom")), c, "t"))?.reasons).toEqual(["the driver failed: boom"]);
    const bad = (async () => ({ reply: "hola", turn: { intents: "greeting", tools: [] }, interrupted: false })) as unknown as Driver;
    expect((await runConversation(bad, c, "t"))?.reasons[0]).toMatch(/malformed at turn\.intents/);
  });
});

describe("graphDriver over a compiled LangGraph graph", () => {
  it("reads the reply after the customer's message, the turn record, and an interrupt", async () => {
    const State = Annotation.Root({ ...MessagesAnnotation.spec, turn: Annotation<unknown>() });
    const graph = new StateGraph(State)
      .addNode("bot", (s: typeof State.State) => {
        const text = String(s.messages.at(-1)!.content);
        if (text.includes("asesor")) interrupt({ reason: "explicit_request" });
        return { messages: [new AIMessage(`Recibí: ${text}`)], turn: { intents: ["greeting"], tools: [{ name: "search_catalog", args: {}, result: "{}" }] } };
      })
      .addEdge("__start__", "bot")
      .compile({ checkpointer: new MemorySaver() });
    const drive = graphDriver(graph as never);
    const first = await drive("t1", "hola");
    expect(first).toEqual({ reply: "Recibí: hola", turn: { intents: ["greeting"], tools: [{ name: "search_catalog", args: {}, result: "{}" }] }, interrupted: false });
    expect((await drive("t1", "otra vez")).reply).toBe("Recibí: otra vez");
    expect((await drive("t1", "un asesor")).interrupted).toBe(true);
  });
});
