import type { DecisionContext } from "../domain/context.js";
import { PerContextPolicy } from "./per-context.js";
import { argmaxTies, type ArmChoice } from "./policy.js";
import { randInt, type Rng } from "./random.js";

/** With probability ε a random arm, otherwise the best empirical mean (untried arms first). */
export class EpsilonGreedyPolicy extends PerContextPolicy {
  readonly name = "epsilon-greedy";

  constructor(armCount: number, readonly epsilon = 0.1) {
    super(armCount);
  }

  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    const row = this.counts(ctx.key);
    const values = row.n.map((n, i) => (n === 0 ? Infinity : row.sum[i]! / n));
    const greedy = argmaxTies(values);
    const explore = this.epsilon / this.armCount;
    const arm = rng.next() < this.epsilon ? randInt(rng, this.armCount) : greedy[randInt(rng, greedy.length)]!;
    const propensity = explore + (greedy.includes(arm) ? (1 - this.epsilon) / greedy.length : 0);
    return { arm, propensity };
  }
}
