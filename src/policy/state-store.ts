export interface PolicyClaim {
  interactionId: string;
  contextKey: string;
  template: string;
  reward: number;
}

/** Where a policy's parameters live. The product's implementation is SQLite (store/policy-state.ts). */
export interface PolicyStateStore {
  /** Binds a namespace to a policy on first use; returns the binding that holds. */
  bind(namespace: string, policy: string): { policy: string; frozen: boolean; seq: number };
  isFrozen(namespace: string): boolean;
  loadRows(namespace: string): Map<string, unknown>;
  /**
   * Atomically: claim the interaction id, then — after `reload` if another process wrote since `seenSeq`
   * — save the rows `apply` returns and bump the namespace's sequence. Without calling `apply`, returns
   * the earlier claim when the interaction was applied before.
   */
  applyOnce(
    namespace: string,
    claim: PolicyClaim,
    update: { seenSeq: number; reload: (rows: Map<string, unknown>) => void; apply: () => Map<string, unknown> },
  ): { applied: true; seq: number } | { applied: false; earlier: PolicyClaim & { namespace: string } };
  reset(namespace: string): void;
  setFrozen(namespace: string, frozen: boolean): void;
}
