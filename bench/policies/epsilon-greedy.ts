import type { DecisionContext } from "../../src/domain/context.js";
import { PerContextPolicy } from "../../src/policy/per-context.js";
import { argmaxTies, type ArmChoice } from "../../src/policy/policy.js";
import { randInt, type Rng } from "../../src/policy/random.js";

/**
 * With probability ε a random arm, otherwise the best empirical mean. Untried arms count as best by
 * default (`untriedFirst`); counting them as 0 instead is the textbook variant the benchmark's reference
 * figures were measured with.
 */
export class EpsilonGreedyPolicy extends PerContextPolicy {
  readonly name: string;

  constructor(
    armCount: number,
    readonly epsilon = 0.1,
    readonly untriedFirst = true,
    name = "epsilon-greedy",
  ) {
    super(armCount);
    this.name = name;
  }

  select(ctx: DecisionContext, rng: Rng): ArmChoice {
    const row = this.counts(ctx.key);
    const values = row.n.map((n, i) => (n === 0 ? (this.untriedFirst ? Infinity : 0) : row.sum[i]! / n));
    const greedy = argmaxTies(values);
    const explore = this.epsilon / this.armCount;
    const arm = rng.next() < this.epsilon ? randInt(rng, this.armCount) : greedy[randInt(rng, greedy.length)]!;
    const propensity = explore + (greedy.includes(arm) ? (1 - this.epsilon) / greedy.length : 0);
    return { arm, propensity };
  }
}
