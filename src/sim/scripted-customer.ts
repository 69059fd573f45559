import { interpolate } from "../domain/fill.js";
import type { CustomerCues, CustomerPhrases, Exchange, Persona, Scenario, SimulatedCustomer, TurnRecord } from "../domain/simulated-customer.js";
import { containsAny, normalize } from "../domain/text-rules.js";
import { randInt, rngFor } from "../policy/random.js";

/** A car as the catalog search returns it, with what the customer chooses by. */
export interface ListedCar {
  make: string;
  model: string;
  year: number;
  price: number;
}

/** A tool's result as an object: the graph records some as JSON text. */
export function toolResult(result: unknown): unknown {
  if (typeof result !== "string") return result;
  try {
    return JSON.parse(result);
  } catch {
    return undefined;
  }
}

/** The cars a turn's catalog searches returned, in the order the bot listed them. */
export function listedCars(turn: TurnRecord): ListedCar[] {
  return turn.tools
    .filter((t) => t.name === "search_catalog")
    .flatMap((t) => {
      const cars = (toolResult(t.result) as { cars?: unknown } | undefined)?.cars;
      return Array.isArray(cars) ? (cars as ListedCar[]).filter((c) => typeof c?.price === "number" && typeof c?.model === "string") : [];
    });
}

/** "Jetta" matches "Volkswagen Jetta" and "jetta": the customer's word for a model, read loosely. */
export const sameModel = (car: ListedCar, name: string) => normalize(`${car.make} ${car.model}`).includes(normalize(name));

/** The car this persona takes from a list (its position), or undefined when none fits its budget and models. */
export function choose(cars: readonly ListedCar[], persona: Persona): number | undefined {
  const fits = cars
    .map((car, i) => ({ car, i }))
    .filter(({ car }) => (persona.budget_mxn === undefined || car.price <= persona.budget_mxn) && (persona.knows.models.length === 0 || persona.knows.models.some((m) => sameModel(car, m))));
  const better = persona.preference === "newest" ? (a: ListedCar, b: ListedCar) => b.year - a.year || a.price - b.price : (a: ListedCar, b: ListedCar) => a.price - b.price;
  return fits.sort((a, b) => better(a.car, b.car) || a.i - b.i)[0]?.i;
}

/** What a reply asks for, joined: its questions, and its sentences that open with a request ("dime qué día…"). */
export function requests(normalized: string, openers: readonly string[]): string {
  return normalized
    .split(/(?<=[.?!])\s+|(?=¿)/)
    .filter((sentence) => sentence.includes("?") || openers.some((o) => sentence.startsWith(o)))
    .join(" ");
}

const pesosText = (pesos: number) => (pesos % 1000 === 0 ? `${pesos / 1000} mil` : `$${pesos.toLocaleString("en-US")}`);

/**
 * The offline customer: a small policy over the bot's last reply and turn record. It answers what the bot
 * asks from its persona (the down payment, the term, which car, what happened), picks from a list of cars
 * by its preference, and otherwise (the bot did not understand, or asked what the persona cannot answer)
 * says its request again in other words. The seed only picks among equivalent wordings.
 */
export class ScriptedCustomer implements SimulatedCustomer {
  private rephrased = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly phrases: CustomerPhrases,
    private readonly cues: CustomerCues,
    private readonly seed: number,
  ) {}

  async next(history: readonly Exchange[]): Promise<string | null> {
    if (history.length === 0) return this.scenario.opening;
    const last = history.at(-1)!;
    const say = (kind: Exclude<keyof CustomerPhrases, "ordinals">, vars: Record<string, string>) => {
      const options = this.phrases[kind][this.scenario.persona.tone];
      return interpolate(options[randInt(rngFor(this.seed, this.scenario.id, history.length), options.length)]!, vars);
    };
    const { persona } = this.scenario;
    const reply = normalize(last.reply);
    // Only what the bot asks counts: an answer may mention the down payment without asking for it.
    const asked = requests(reply, this.cues.request_openers);
    const heard = (cues: readonly string[]) => containsAny(asked, cues) !== undefined;
    // The bot said the same as before: answering the same again would loop, so say it another way.
    const stuck = history.length >= 2 && normalize(history.at(-2)!.reply) === reply;

    const cars = listedCars(last.turn);
    if (!stuck && cars.length > 0 && heard(this.cues.pick)) {
      const i = choose(cars, persona);
      if (i !== undefined && i < this.phrases.ordinals.length) return say("pick", { ordinal: this.phrases.ordinals[i]! });
    } else if (!stuck && asked !== "") {
      const dp = persona.down_payment;
      if (dp && heard(this.cues.down_payment))
        return "percent" in dp ? say("down_payment_percent", { percent: String(dp.percent) }) : say("down_payment_pesos", { pesos: pesosText(dp.pesos) });
      if (persona.term_months && heard(this.cues.term)) return say("term", { term: String(persona.term_months) });
      if (persona.knows.car && heard(this.cues.which_car)) return say("car", { car: persona.knows.car });
      if (persona.knows.issue && heard(this.cues.issue)) return say("issue", { issue: persona.knows.issue });
      const known = persona.knows.answers.find((a) => heard(a.cues.map(normalize)));
      if (known) return known.say;
    }
    const text = this.scenario.rephrasings[this.rephrased++ % this.scenario.rephrasings.length]!;
    return say("rephrase", { text });
  }
}
