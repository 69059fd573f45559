/** Where a policy's parameters live. The product's implementation is SQLite (store/policy-state.ts). */
export interface PolicyStateStore {
  /** Binds a namespace to a policy on first use; returns the binding that holds. */
  bind(namespace: string, policy: string): { policy: string; frozen: boolean };
  isFrozen(namespace: string): boolean;
  loadRows(namespace: string): Map<string, unknown>;
  /**
   * Atomically: claim the interaction id for this namespace and save the rows `apply` returns.
   * Returns false, without calling `apply`, when the interaction was applied before.
   */
  applyOnce(
    namespace: string,
    claim: { interactionId: string; contextKey: string; template: string; reward: number },
    apply: () => Map<string, unknown>,
  ): boolean;
  reset(namespace: string): void;
  setFrozen(namespace: string, frozen: boolean): void;
}
