import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { goalMet } from "../../src/app/eval/scenario-goal.js";
import { RuleJudge } from "../../src/app/eval/rule-judge.js";
import { Scenario, SCENARIO_CATEGORIES, type Exchange, type ScenarioInput, type TurnRecord } from "../../src/domain/simulated-customer.js";
import { choose, ScriptedCustomer, type ListedCar } from "../../src/sim/scripted-customer.js";
import { AssetError, loadCatalog, loadCustomerCues, loadCustomerPhrases, loadScenarios } from "../../src/store/assets.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const base: ScenarioInput = {
  id: "fin-test",
  category: "financing",
  persona: { segment: "VF", tone: "directo", down_payment: { percent: 20 }, term_months: 48, knows: { car: "Jetta" } },
  goal: { description: "x", success: { kind: "financing", model: "Jetta", term_months: 48, down_payment_percent: 20 } },
  opening: "quiero un jetta a credito",
  rephrasings: ["la mensualidad del jetta a 48 meses", "el jetta a credito, a 48 meses"],
};

function scenarioDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "simcust-"));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(body));
  return dir;
}
const loadError = (dir: string) => {
  try {
    loadScenarios(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(AssetError);
    return (e as Error).message;
  }
  throw new Error("loaded a bad scenario");
};

describe("the scenario loader", () => {
  it("loads the shipped scenarios: at least 12, every category", () => {
    const all = loadScenarios();
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(new Set(all.map((s) => s.category))).toEqual(new Set(SCENARIO_CATEGORIES));
  });

  it("rejects a bad file, naming the file and the field", () => {
    expect(loadError(scenarioDir({ "fin-test.json": { ...base, persona: { ...base.persona, tone: "furioso" } } }))).toMatch(/fin-test\.json: persona\.tone: /);
    expect(loadError(scenarioDir({ "fin-test.json": { ...base, goal: { description: "x", success: { kind: "tool", tool: "call_mom" } } } }))).toMatch(/goal\.success\.tool: /);
    expect(loadError(scenarioDir({ "fin-test.json": { ...base, rephrasings: [] } }))).toMatch(/: rephrasings: /);
    expect(loadError(scenarioDir({ "fin-test.json": { ...base, name: "Juan" } }))).toMatch(/\(root\): Unrecognized key/);
    expect(loadError(scenarioDir({ "other.json": base }))).toMatch(/other\.json: id: "fin-test" belongs in fin-test\.json/);
  });
});

const phrases = loadCustomerPhrases();
const cues = loadCustomerCues();
const noTurn: TurnRecord = { intents: [], tools: [] };
const ex = (reply: string, turn: TurnRecord = noTurn, customer = "…"): Exchange => ({ customer, reply, turn, handedOff: false });
const customer = (over: Partial<ScenarioInput> = {}, seed = 1) => new ScriptedCustomer(Scenario.parse({ ...base, ...over }), phrases, cues, seed);
const cars: ListedCar[] = [
  { make: "Volkswagen", model: "Jetta", year: 2018, price: 222_999 },
  { make: "Volkswagen", model: "Jetta", year: 2021, price: 289_999 },
  { make: "Volkswagen", model: "Jetta", year: 2016, price: 189_999 },
];
const listed: TurnRecord = { intents: ["car_search"], tools: [{ name: "search_catalog", result: JSON.stringify({ status: "match", cars }) }] };

describe("the offline customer", () => {
  it("opens with the scenario's first message", async () => {
    expect(await customer().next([])).toBe(base.opening);
  });

  it("gives its own down payment and term when asked", async () => {
    expect(await customer().next([ex("¿Cuánto darías de enganche para el Volkswagen Jetta 2018? El mínimo es el 10% del precio.")])).toMatch(/\b20% de enganche/);
    const pesos = customer({ persona: { ...base.persona, down_payment: { pesos: 60_000 } } });
    expect(await pesos.next([ex("¿Cuánto darías de enganche?")])).toMatch(/\b60 mil de enganche/);
    expect(await customer().next([ex("¿A qué plazo lo quieres?")])).toMatch(/\b48 meses/);
    expect(await customer().next([ex("¿Para qué auto quieres el financiamiento? Dime cuál buscas.")])).toMatch(/Jetta/);
  });

  it("answers from what it knows, when the bot asks it", async () => {
    const visit = customer({ persona: { ...base.persona, knows: { answers: [{ cues: ["qué día"], say: "El sábado a las 11." }] } } });
    expect(await visit.next([ex("Con gusto. ¿Qué día y a qué hora te queda?")])).toBe("El sábado a las 11.");
    // A request without a question mark is still one.
    expect(await visit.next([ex("Con gusto agendo tu prueba. Dime qué día, a qué hora y en qué hub.")])).toBe("El sábado a las 11.");
  });

  it("picks from a list by its preference", async () => {
    const reply = "Tenemos estos:\n• …\n¿Te interesa alguno? Dime cuál (por ejemplo, «el primero»).";
    expect(await customer().next([ex(reply, listed)])).toMatch(/\btercero\b/);
    const newest = customer({ persona: { ...base.persona, preference: "newest" } });
    expect(await newest.next([ex(reply, listed)])).toMatch(/\bsegundo\b/);
    expect(choose(cars, Scenario.parse({ ...base, persona: { ...base.persona, preference: "newest", budget_mxn: 250_000 } }).persona)).toBe(0);
    expect(choose(cars, Scenario.parse({ ...base, persona: { ...base.persona, knows: { models: ["Versa"] } } }).persona)).toBeUndefined();
  });

  it("says its request again in other words when the bot did not understand, or only mentions what it would answer", async () => {
    const c = customer();
    const first = await c.next([ex("Puedo ayudarte con los autos de nuestro catálogo. ¿Qué necesitas?")]);
    expect(first).toMatch(/mensualidad del jetta a 48 meses/);
    // An answer that mentions the down payment without asking for it is not a question about it.
    const second = await c.next([ex("Ofrecemos financiamiento con un enganche mínimo del 10%. ¿Algo más?")]);
    expect(second).toMatch(/el jetta a credito, a 48 meses/);
  });

  it("does not answer the same again when the bot repeats itself", async () => {
    const same = "¿Cuánto darías de enganche?";
    expect(await customer().next([ex(same), ex(same)])).toMatch(/jetta/i);
  });

  it("is the same for the same seed; the seed picks among equivalent wordings", async () => {
    const ask = [ex("¿Cuánto darías de enganche?")];
    const say = async (seed: number) => customer({}, seed).next(ask);
    expect(await say(3)).toBe(await say(3));
    const wordings = new Set(await Promise.all(Array.from({ length: 12 }, (_, s) => say(s))));
    expect(wordings.size).toBeGreaterThan(1);
  });
});

describe("goals and the rule judge", () => {
  const catalog = loadCatalog();
  const jetta = catalog.find((c) => c.model === "Jetta")!;
  const sim = (downPct: number, terms: number[], price = jetta.price): TurnRecord => ({
    intents: ["financing"],
    tools: [
      {
        name: "simulate_financing",
        result: { ok: true, price_cents: Math.round(price * 100), down_payment_cents: Math.round(price * downPct), plans: terms.map((t) => ({ term_months: t })) },
      },
    ],
  });
  const goal = Scenario.parse(base).goal.success;

  it("a financing goal needs a catalog price of that model, the term and the down payment", () => {
    expect(goalMet(goal, [ex("…", sim(20, [36, 48, 60, 72]))], catalog)).toBe(true);
    expect(goalMet(goal, [ex("…", sim(20, [60]))], catalog)).toBe(false);
    expect(goalMet(goal, [ex("…", sim(10, [48]))], catalog)).toBe(false);
    expect(goalMet(goal, [ex("…", sim(20, [48], 123_456))], catalog)).toBe(false);
  });

  it("catalog, tool and hand-off goals", () => {
    const suv = { kind: "catalog_match" as const, price_max: 250_000, models: ["Jetta"] };
    expect(goalMet(suv, [ex("…", listed)], catalog)).toBe(true);
    expect(goalMet({ ...suv, price_max: 200_000, year_min: 2017 }, [ex("…", listed)], catalog)).toBe(false);
    const ticket = { kind: "tool", tool: "open_ticket", reply: { re: "folio" } } as const;
    const opened: TurnRecord = { intents: ["support"], tools: [{ name: "open_ticket" }] };
    expect(goalMet(ticket, [ex("Registré tu caso con el folio KV-000001.", opened)], catalog)).toBe(true);
    expect(goalMet(ticket, [ex("Registré tu caso.", opened)], catalog)).toBe(false);
    expect(goalMet({ kind: "handoff" }, [{ ...ex("…"), handedOff: true }], catalog)).toBe(true);
    expect(goalMet({ kind: "handoff" }, [ex("…")], catalog)).toBe(false);
  });

  it("scores goal, turns, clean replies and misunderstandings, out of 10", async () => {
    const scenario = Scenario.parse(base); // max_turns 6
    const judge = new RuleJudge();
    expect((await judge.judge({ scenario, history: [ex("…")], goalMet: true, failedTurns: 0 })).score).toBe(10);
    // 0 + 2·(1 − 3/6) + 2·(1 − 1/4) − 1 = 1.5
    const missed = [ex("…"), ex("…", { intents: ["out_of_scope"], tools: [] }), ex("…"), ex("…")];
    expect((await judge.judge({ scenario, history: missed, goalMet: false, failedTurns: 1 })).score).toBe(1.5);
  });
});
