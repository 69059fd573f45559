import { CONTEXT_DEFAULTS } from "../agents/context.js";
import { TEMPLATE_IDS } from "../domain/template.js";
import { shippedPolicy } from "../policy/book.js";
import type { ArmEstimate } from "../policy/policy.js";
import { recommendations, type CohortRecommendation } from "../sim/recommendations.js";
import type { CareRuntime } from "./care-runtime.js";

/** A policy namespace as operators see and steer it (the /v1/policy routes and the console's Recomendaciones). */
export interface PolicyView {
  namespace: string;
  policy: string;
  frozen: boolean;
  /** false for the main namespace before its first contact: nothing to freeze or reset yet. */
  bound: boolean;
  estimates: ArmEstimate[];
}

/**
 * The namespace's policy as it stands, undefined when nothing is bound there; the main one before its first
 * contact is the default policy, untrained. Reading binds nothing: binding here would refuse a first contact
 * that asks for another policy.
 */
export async function policyView(rt: CareRuntime, namespace: string): Promise<PolicyView | undefined> {
  const row = await rt.store.policyState.binding(namespace);
  if (!row) return namespace === CONTEXT_DEFAULTS.policy_namespace ? { namespace, policy: CONTEXT_DEFAULTS.policy, frozen: false, bound: false, estimates: [] } : undefined;
  const estimates = (await rt.deps.policies.get(namespace, shippedPolicy(namespace, row.policy))).estimates();
  return { namespace, policy: row.policy, frozen: row.frozen, bound: true, estimates };
}

export const policyRecommendations = (v: PolicyView): CohortRecommendation[] => recommendations(v.estimates, TEMPLATE_IDS);

/** false when nothing is bound in the namespace. Audited under `actor`. */
export async function setPolicyFrozen(rt: CareRuntime, namespace: string, frozen: boolean, actor: string): Promise<boolean> {
  if (!(await rt.store.policyState.binding(namespace))) return false;
  await rt.deps.policies.setFrozen(namespace, frozen);
  await rt.store.audit.record(actor, frozen ? "policy.freeze" : "policy.unfreeze", `policy:${namespace}`);
  return true;
}

/** false when nothing is bound in the namespace. Audited under `actor`. */
export async function resetPolicy(rt: CareRuntime, namespace: string, actor: string): Promise<boolean> {
  if (!(await rt.store.policyState.binding(namespace))) return false;
  await rt.deps.policies.reset(namespace);
  await rt.store.audit.record(actor, "policy.reset", `policy:${namespace}`);
  return true;
}
