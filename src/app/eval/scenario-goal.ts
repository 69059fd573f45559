import type { Exchange, GoalCheck } from "../../domain/simulated-customer.js";
import { listedCars, sameModel, toolResult, type ListedCar } from "../../sim/scripted-customer.js";
import { matches } from "./check.js";

interface Simulation {
  ok?: boolean;
  price_cents?: number;
  down_payment_cents?: number;
  plans?: Array<{ term_months?: number }>;
}

/**
 * Whether the conversation so far meets the goal, read on the turn records only. A financing goal is met
 * by a simulation of a catalog car of that model (its price is one the catalog gives that model) whose plans
 * include the term, with the down payment the goal names.
 */
export function goalMet(goal: GoalCheck, history: readonly Exchange[], catalog: readonly ListedCar[]): boolean {
  switch (goal.kind) {
    case "handoff":
      return history.some((x) => x.handedOff);
    case "tool":
      return history.some((x) => x.turn.tools.some((t) => t.name === goal.tool) && (goal.reply === undefined || matches(x.reply, goal.reply)));
    case "catalog_match":
      return history.some((x) =>
        listedCars(x.turn).some(
          (car) =>
            (goal.price_max === undefined || car.price <= goal.price_max) &&
            (goal.year_min === undefined || car.year >= goal.year_min) &&
            (goal.models === undefined || goal.models.some((m) => sameModel(car, m))),
        ),
      );
    case "financing": {
      const prices = new Set(catalog.filter((c) => sameModel(c, goal.model)).map((c) => Math.round(c.price * 100)));
      return history.some((x) =>
        x.turn.tools
          .filter((t) => t.name === "simulate_financing")
          .some((t) => {
            const s = toolResult(t.result) as Simulation | undefined;
            if (!s?.ok || s.price_cents === undefined || !prices.has(s.price_cents)) return false;
            if (!s.plans?.some((p) => p.term_months === goal.term_months)) return false;
            if (goal.down_payment_percent === undefined) return true;
            return Math.abs(((s.down_payment_cents ?? 0) / s.price_cents) * 100 - goal.down_payment_percent) <= 1;
          }),
      );
    }
  }
}
