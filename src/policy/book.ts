import type { DecisionContext } from "../domain/context.js";
import type { Policy } from "./policy.js";
import type { Rng } from "./random.js";
import { createPolicy, PolicyName } from "./registry.js";
import type { PolicyStateStore } from "./state-store.js";

export class PolicyBindingError extends Error {
  override readonly name = "PolicyBindingError";
}

/**
 * A policy name read back from stored state: a database may hold a namespace that learned with a research
 * variant an earlier version shipped (now under bench/policies), whose rows this version cannot load.
 */
export function shippedPolicy(namespace: string, name: string): PolicyName {
  const parsed = PolicyName.safeParse(name);
  if (parsed.success) return parsed.data;
  throw new PolicyBindingError(
    `policy namespace "${namespace}" learned with ${name}, which this version no longer ships (one of ${PolicyName.options.join(", ")}); reset the namespace or use another`,
  );
}

/**
 * The live policies, one per namespace (the main policy, an experiment's arm, its baseline …), loaded
 * from the store once and written through on every update.
 */
export class PolicyBook {
  /** The policy of each namespace and the store sequence its state reflects. */
  private readonly live = new Map<string, { policy: Policy; seq: number }>();

  constructor(
    private readonly store: PolicyStateStore,
    readonly armIds: readonly string[],
  ) {}

  get(namespace: string, name: PolicyName): Policy {
    return this.entry(namespace, name).policy;
  }

  private entry(namespace: string, name: PolicyName) {
    const cached = this.live.get(namespace);
    if (cached) {
      if (cached.policy.name !== name) throw new PolicyBindingError(`policy namespace "${namespace}" runs ${cached.policy.name}, not ${name}`);
      return cached;
    }
    const bound = this.store.bind(namespace, name);
    shippedPolicy(namespace, bound.policy);
    if (bound.policy !== name) throw new PolicyBindingError(`policy namespace "${namespace}" runs ${bound.policy}, not ${name}`);
    const policy = createPolicy(name, this.armIds.length);
    policy.importRows(this.store.loadRows(namespace));
    const entry = { policy, seq: bound.seq };
    this.live.set(namespace, entry);
    return entry;
  }

  isFrozen(namespace: string): boolean {
    return this.store.isFrozen(namespace);
  }

  /**
   * Applies a reward exactly once per interaction id. Returns "applied"; "duplicate" when this same
   * decision was applied before (a replayed or resumed run); "conflict" when the id was used for another
   * decision. In the last two the policy is untouched. Another process's updates are loaded first.
   */
  learn(
    namespace: string,
    name: PolicyName,
    interactionId: string,
    ctx: DecisionContext,
    arm: number,
    reward: number,
    rng: Rng,
  ): "applied" | "duplicate" | "conflict" {
    const entry = this.entry(namespace, name);
    const template = this.armIds[arm]!;
    try {
      const r = this.store.applyOnce(
        namespace,
        { interactionId, contextKey: ctx.key, template, reward },
        {
          seenSeq: entry.seq,
          reload: (rows) => entry.policy.importRows(rows),
          apply: () => entry.policy.exportRows(entry.policy.update(ctx, arm, reward, rng)),
        },
      );
      if (r.applied) {
        entry.seq = r.seq;
        return "applied";
      }
      const e = r.earlier;
      return e.namespace === namespace && e.template === template && e.contextKey === ctx.key ? "duplicate" : "conflict";
    } catch (e) {
      this.forget(namespace);
      throw e;
    }
  }

  /** Drops the in-memory copy (it may hold an update its store transaction rolled back). */
  forget(namespace: string): void {
    this.live.delete(namespace);
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
