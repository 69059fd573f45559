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

type Entry = { policy: Policy; seq: number };

/**
 * The live policies, one per namespace (the main policy, an experiment's arm, its baseline …), loaded
 * from the store once and written through on every update.
 */
export class PolicyBook {
  /** The policy of each namespace and the store sequence its state reflects. */
  private readonly live = new Map<string, Entry>();
  /** Loads under way through the book's own store, shared by whoever asks meanwhile. */
  private readonly loading = new Map<string, Promise<Entry>>();

  constructor(
    private readonly store: PolicyStateStore,
    readonly armIds: readonly string[],
  ) {}

  async get(namespace: string, name: PolicyName): Promise<Policy> {
    return (await this.entry(namespace, name, this.store)).policy;
  }

  /**
   * `store` loads it when not cached. A transaction's store loads on its own: a load started outside it
   * waits for the connection the transaction holds (SQLite), and waiting on that load would never end.
   */
  private async entry(namespace: string, name: PolicyName, store: PolicyStateStore): Promise<Entry> {
    let entry = this.live.get(namespace);
    if (!entry) {
      let loaded: Promise<Entry>;
      if (store !== this.store) loaded = this.load(namespace, name, store);
      else {
        loaded = this.loading.get(namespace) ?? this.load(namespace, name, store);
        this.loading.set(namespace, loaded);
        const done = () => void (this.loading.get(namespace) === loaded && this.loading.delete(namespace));
        loaded.then(done, done);
      }
      const fresh = await loaded;
      // Whoever loaded first keeps the copy: the others learn into the same one.
      entry = this.live.get(namespace) ?? fresh;
      this.live.set(namespace, entry);
    }
    if (entry.policy.name !== name) throw new PolicyBindingError(`policy namespace "${namespace}" runs ${entry.policy.name}, not ${name}`);
    return entry;
  }

  private async load(namespace: string, name: PolicyName, store: PolicyStateStore): Promise<Entry> {
    const bound = await store.bind(namespace, name);
    shippedPolicy(namespace, bound.policy);
    if (bound.policy !== name) throw new PolicyBindingError(`policy namespace "${namespace}" runs ${bound.policy}, not ${name}`);
    const policy = createPolicy(name, this.armIds.length);
    policy.importRows(await store.loadRows(namespace));
    return { policy, seq: bound.seq };
  }

  isFrozen(namespace: string, store: PolicyStateStore = this.store): Promise<boolean> {
    return store.isFrozen(namespace);
  }

  /**
   * Applies a reward exactly once per interaction id. Returns "applied"; "duplicate" when this same
   * decision was applied before (a replayed or resumed run); "conflict" when the id was used for another
   * decision. In the last two the policy is untouched. Another process's updates are loaded first.
   * `store` is the caller's transaction when the update must commit with its other writes.
   */
  async learn(
    namespace: string,
    name: PolicyName,
    interactionId: string,
    ctx: DecisionContext,
    arm: number,
    reward: number,
    rng: Rng,
    store: PolicyStateStore = this.store,
  ): Promise<"applied" | "duplicate" | "conflict"> {
    const template = this.armIds[arm]!;
    try {
      const entry = await this.entry(namespace, name, store);
      const r = await store.applyOnce(
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
    this.loading.delete(namespace);
  }

  /** A frozen namespace still decides and logs, but learns nothing. */
  setFrozen(namespace: string, frozen: boolean): Promise<void> {
    return this.store.setFrozen(namespace, frozen);
  }

  async reset(namespace: string): Promise<void> {
    await this.store.reset(namespace);
    this.forget(namespace);
  }
}
