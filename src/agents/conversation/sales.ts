import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { CarQueryInput } from "../../domain/car.js";
import type { CarRef, Dialog } from "../../domain/conversation.js";
import { interpolate } from "../../domain/fill.js";
import { formatPesos, simulateFinancing } from "../../tools/index.js";
import { listEs } from "../../tools/text.js";
import type { ConversationDeps } from "./deps.js";
import { clearSlots } from "./dialog.js";
import { factsOf } from "./grounding.js";
import { carFigures, carLabel, carRef, carVars, Contribution } from "./parts.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "./state.js";
import { lead } from "./leads.js";
import { leadKindOf } from "./words.js";
import { asksCar, hear, type Heard } from "./understand.js";

/**
 * The catalog search this turn asks for: the message's own constraints, on top of the last search's when it
 * names no car of its own ("el más barato" after "busco un jetta"); the budget slot when it gives no price.
 */
function queryFor(h: Heard, d: Dialog, listSize: number): CarQueryInput | undefined {
  const { limit, ...asked } = h.car.query;
  const defined = Object.fromEntries(Object.entries(asked).filter(([, v]) => v !== undefined)) as Partial<CarQueryInput>;
  const fresh = defined.make !== undefined || defined.model !== undefined;
  const q: Partial<CarQueryInput> = { ...(fresh ? {} : d.query), ...defined };
  if (q.price_max === undefined && q.price_min === undefined && d.slots.budget_max_cents !== undefined) q.price_max = d.slots.budget_max_cents / 100;
  if (Object.keys(q).length === 0) return undefined;
  return { ...q, limit: Math.min(limit, listSize) };
}

/** The message names a make or a model. */
const names = (h: Heard) => h.car.query.make !== undefined || h.car.query.model !== undefined;

/** "Volkswagen Jetta 2024", "autos de hasta $250,000.00": what was asked, in the customer's terms. */
function described(q: CarQueryInput): string {
  const years = q.year_min === undefined ? "" : q.year_min === q.year_max ? ` ${q.year_min}` : ` ${q.year_min}–${q.year_max ?? ""}`;
  const name = [q.make, q.model].filter(Boolean).join(" ");
  return name ? `${name}${years}` : `autos${years}`;
}

/**
 * The catalog part of the turn: a car picked from the last list, or a search. `needsCar`: financing or a
 * lead comes next in this turn, so the first car of a search becomes the car of interest (the reply names
 * it with its price); otherwise only a search with one car does.
 */
function carSearch(h: Heard, d: Dialog, deps: ConversationDeps, c: Contribution, needsCar: boolean): Dialog {
  const t = deps.texts.sales;
  if (h.choice) {
    if ("car" in h.choice) {
      // Financing names the car with its price; saying it twice adds nothing.
      if (!needsCar) c.say(`${t.chosen} ${t.next_step}`, carVars(h.choice.car));
      c.facts.push(...Object.values(carFigures(h.choice.car)));
    } else c.say("colour" in h.choice ? t.no_colour : t.choice_unknown);
    return d;
  }
  // "Sí" to "¿seguimos con el Versa?": the car of interest again, and what comes next.
  if (d.slots.car && !asksCar(h) && !needsCar) {
    c.say(`${t.chosen} ${t.next_step}`, carVars(d.slots.car));
    c.facts.push(...Object.values(carFigures(d.slots.car)));
    return d;
  }
  const q = queryFor(h, d, deps.settings.list_size);
  if (!q) {
    if (!needsCar) c.say(t.ask_search);
    return d;
  }
  const result = deps.tools.catalog.search(q);
  c.called("search_catalog", q, result);
  if (result.status === "none") {
    c.say(t.none);
    return { ...d, results: [] };
  }
  const cars = result.cars.map(carRef);
  const lines = cars.map((car) => interpolate(t.car_line, carVars(car)));
  for (const car of cars) c.facts.push(...Object.values(carFigures(car)));
  const what = described(q);
  if (result.status === "alternatives") {
    const relaxed = [...new Set(result.relaxed.map((r) => t.relaxed[r.constraint]))];
    c.say(t.list_alternatives, { what, relaxed: listEs(relaxed, "y"), lines: lines.join("\n") });
  } else c.say(cars.length === 1 ? t.list_one : t.list_match, { what, lines: lines.join("\n") });
  const { limit: _limit, sort: _sort, ...kept } = q;
  // One car that meets the search is the car of interest; alternatives are offers, not a choice.
  const chosen: CarRef | undefined = result.status === "match" && (cars.length === 1 || needsCar) ? cars[0] : undefined;
  return { ...d, results: cars, query: kept, slots: chosen ? { ...d.slots, car: chosen } : d.slots };
}

/** Financing needs a price (the car's, or one the message gives) and a down payment, asked for in that order; no term gives all four. */
function financing(h: Heard, d: Dialog, deps: ConversationDeps, c: Contribution): Dialog {
  const t = deps.texts.sales;
  const terms = deps.tools.financing;
  const car = d.slots.car;
  const price = car?.price ?? h.financing.price;
  if (price === undefined) {
    // A general question ("¿qué tasa manejan?"): the base's financing facts, then which car.
    const kb = deps.tools.knowledge.search(h.text);
    const passage = kb.passages.find((p) => deps.settings.financing_passages.includes(p.id));
    if (passage) {
      c.called("search_knowledge", { question: h.text }, kb);
      c.say(deps.texts.company.answer, { text: passage.text });
      c.facts.push(...factsOf(passage.text));
    }
    c.say(d.results.length > 1 ? t.ask_car_from_list : t.ask_car);
    return d;
  }
  const name = car ? carLabel(car) : "auto";
  const pct = d.slots.down_payment_pct;
  const down = d.slots.down_payment_cents !== undefined ? d.slots.down_payment_cents / 100 : pct !== undefined ? Math.round(pct * price * 100) / 100 : undefined;
  if (down === undefined) {
    c.say(t.ask_down_payment, { car: name, min_share: `${Math.round(terms.min_down_payment_share * 100)}%` });
    return d;
  }
  // No term yet (or "todos"): every term we offer, side by side.
  const term = h.allTerms ? undefined : d.slots.term_months;
  const args = term === undefined ? { price, downPayment: down } : { price, downPayment: down, termMonths: term };
  const result = simulateFinancing(terms, args);
  c.called("simulate_financing", args, result);
  const priceText = formatPesos(Math.round(price * 100));
  const downText = formatPesos(Math.round(down * 100));
  c.facts.push(priceText, downText);
  if (!result.ok) {
    for (const r of result.refusals) if (r.minimum_down_payment_cents !== undefined) c.facts.push(formatPesos(r.minimum_down_payment_cents));
    c.say(t.refused, { reasons: result.refusals.map((r) => r.message).join(" ") });
    // What was refused is asked again; what was fine stays.
    const refused = result.refusals.flatMap((r) => (r.code === "term_not_offered" ? (["term_months"] as const) : (["down_payment_cents", "down_payment_pct"] as const)));
    return { ...d, slots: clearSlots(d.slots, refused) };
  }
  const rate = `${Math.round(result.annual_rate * 1000) / 10}%`;
  const plans = result.plans.map((p) => ({ term: String(p.term_months), monthly: formatPesos(p.monthly_payment_cents), total: formatPesos(p.total_paid_cents) }));
  for (const p of plans) c.facts.push(p.monthly, p.total);
  const vars = { car: name, price: priceText, down_payment: downText, rate };
  if (plans.length === 1) c.say(t.plan_one, { ...vars, ...plans[0]! });
  else c.say(t.plan_all, { ...vars, lines: plans.map((p) => interpolate(t.plan_line, p)).join("\n") });
  return d;
}

/** "mi vocho a cuenta del jetta": the second car named is the one of ours the customer wants. */
function tradeTarget(h: Heard, d: Dialog, deps: ConversationDeps, c: Contribution): Dialog {
  const wanted = h.car.names[1];
  if (!wanted?.make) return d;
  const q = { make: wanted.make, ...(wanted.model ? { model: wanted.model } : {}), limit: 1 };
  const result = deps.tools.catalog.search(q);
  c.called("search_catalog", q, result);
  const car = result.status === "match" ? result.cars[0] : undefined;
  if (!car) return d;
  c.facts.push(...Object.values(carFigures(car)));
  return { ...d, slots: { ...d.slots, car: carRef(car) } };
}

/** The sales agent: catalog search and choice, financing simulation, and the steps towards a deal. */
export function sales(deps: ConversationDeps) {
  return async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    let d = dialogOf(state);
    const { turn } = state;
    const h = hear(turn.text, d, deps);
    const c = new Contribution("sales");
    const asks = new Set(turn.intents);
    const kind = asks.has("sales") ? (leadKindOf(turn.text, deps.settings) ?? d.slots.lead?.kind) : undefined;
    // Selling or trading in: the car the message names is the customer's own, not one of ours.
    const ownCar = kind === "sell_car" || kind === "trade_in";
    const needsCar = asks.has("financing") || (asks.has("sales") && !ownCar);
    const before = d.slots.car?.stock_id;
    // A car named next to a financing or a deal ("el versa 2020 con 60 mil de enganche") is looked up first.
    if (ownCar) d = tradeTarget(h, d, deps, c);
    else if (asks.has("car_search") || (needsCar && (h.choice !== undefined || names(h)))) d = carSearch(h, d, deps, c, needsCar);
    // Another car while a simulation is under way ("¿y si fuera el Versa?"): the same terms for it.
    const swapped = d.slots.car !== undefined && before !== undefined && d.slots.car.stock_id !== before;
    const simulating = d.stack.some((task) => task.kind === "financing") && (d.slots.down_payment_cents !== undefined || d.slots.down_payment_pct !== undefined);
    if (asks.has("financing") || (swapped && simulating)) d = financing(h, d, deps, c);
    if (asks.has("sales")) d = await lead(h, d, deps, c, state, config);
    return { dialog: d, turn: c.into(turn) };
  };
}
