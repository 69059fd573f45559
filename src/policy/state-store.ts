export interface PolicyClaim {
  interactionId: string;
  contextKey: string;
  template: string;
  reward: number;
}

/** Where a policy's parameters live; the product's implementation is src/store/kysely/policy-state.ts. */
export interface PolicyStateStore {
  /** Binds a namespace to a policy on first use; returns the binding that holds. */
  bind(namespace: string, policy: string): Promise<{ policy: string; frozen: boolean; seq: number }>;
  isFrozen(namespace: string): Promise<boolean>;
  loadRows(namespace: string): Promise<Map<string, unknown>>;
  /**
   * In one transaction: claim the interaction id, then — after `reload` if another process wrote since
   * `seenSeq` — save the rows `apply` returns and bump the namespace's sequence. Without calling `apply`,
   * returns the earlier claim when the interaction was applied before: exactly once per interaction id.
   */
  applyOnce(
    namespace: string,
    claim: PolicyClaim,
    update: { seenSeq: number; reload: (rows: Map<string, unknown>) => void; apply: () => Map<string, unknown> },
  ): Promise<{ applied: true; seq: number } | { applied: false; earlier: PolicyClaim & { namespace: string } }>;
  reset(namespace: string): Promise<void>;
  setFrozen(namespace: string, frozen: boolean): Promise<void>;
}
