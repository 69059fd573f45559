import type { SparseVector } from "../../src/policy/features.js";
import { FIXED, LinUcbPolicy } from "../../src/policy/linucb.js";
import type { Rng } from "../../src/policy/random.js";
import type { Environment } from "../../src/sim/environment.js";

/**
 * Not a policy a product could run: the reference's LinUCB (α = 1, x = [1, segment, issue]) that the
 * environment tells, for each cohort, which `top` templates have the highest true means (at round 0: for
 * stationary instances); it never plays the others. Its regret is what choosing among those few alone
 * costs this learner: a reference point for how much better exploration of the rest could gain, not a
 * lower bound for every learner.
 */
export class TopKGenie extends LinUcbPolicy {
  private readonly allowed = new Map<string, Set<number>>();
  private current = "";

  constructor(env: Environment, top: number) {
    super(env.armIds.length, { numeric: false, interactions: false, precision: { main: 1, numeric: 1, interactions: 1 } }, FIXED, `genie-top${top}`);
    for (const key of env.contextKeys()) {
      const ranked = env.means(key).map((m, arm) => ({ m, arm })).sort((a, b) => b.m - a.m);
      this.allowed.set(key, new Set(ranked.slice(0, top).map((r) => r.arm)));
    }
  }

  // scores() sees only the encoded features, so greedy() notes whose cohort is deciding.
  override greedy(ctx: Parameters<LinUcbPolicy["greedy"]>[0]): number[] {
    this.current = ctx.key;
    return super.greedy(ctx);
  }

  protected override scores(x: SparseVector, rng?: Rng, cohortRewards = 0): number[] {
    const allowed = this.allowed.get(this.current)!;
    return super.scores(x, rng, cohortRewards).map((s, arm) => (allowed.has(arm) ? s : -Infinity));
  }
}
