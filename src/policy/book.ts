import type { DecisionContext } from "../domain/context.js";
import type { Policy } from "./policy.js";
import type { Rng } from "./random.js";
import { createPolicy, type PolicyName } from "./registry.js";
import type { PolicyStateStore } from "./state-store.js";

export class PolicyBindingError extends Error {
  override readonly name = "PolicyBindingError";
}

/**
 * The live policies, one per namespace (the main policy, an experiment's arm, its baseline …), loaded
 * from the store once and written through on every update.
 */
export class PolicyBook {
  private readonly live = new Map<string, Policy>();

  constructor(
    private readonly store: PolicyStateStore,
    readonly armIds: readonly string[],
  ) {}

  get(namespace: string, name: PolicyName): Policy {
    const cached = this.live.get(namespace);
    if (cached) {
      if (cached.name !== name) throw new PolicyBindingError(`policy namespace "${namespace}" runs ${cached.name}, not ${name}`);
      return cached;
    }
    const bound = this.store.bind(namespace, name);
    if (bound.policy !== name) throw new PolicyBindingError(`policy namespace "${namespace}" runs ${bound.policy}, not ${name}`);
    const policy = createPolicy(name, this.armIds.length);
    policy.importRows(this.store.loadRows(namespace));
    this.live.set(namespace, policy);
    return policy;
  }

  isFrozen(namespace: string): boolean {
    return this.store.isFrozen(namespace);
  }

  /**
   * Applies a reward exactly once per interaction id. Returns "applied", or "duplicate" when the id was
   * seen before (a replayed or resumed run), in which case the policy is untouched.
   */
  learn(
    namespace: string,
    name: PolicyName,
    interactionId: string,
    ctx: DecisionContext,
    arm: number,
    reward: number,
    rng: Rng,
  ): "applied" | "duplicate" {
    const policy = this.get(namespace, name);
    try {
      const applied = this.store.applyOnce(namespace, { interactionId, contextKey: ctx.key, template: this.armIds[arm]!, reward }, () =>
        policy.exportRows(policy.update(ctx, arm, reward, rng)),
      );
      return applied ? "applied" : "duplicate";
    } catch (e) {
      // The store rolled back; drop the in-memory copy that may hold the lost update.
      this.live.delete(namespace);
      throw e;
    }
  }

  /** A frozen namespace still decides and logs, but learns nothing. */
  setFrozen(namespace: string, frozen: boolean): void {
    this.store.setFrozen(namespace, frozen);
  }

  reset(namespace: string): void {
    this.store.reset(namespace);
    this.live.delete(namespace);
  }
}
