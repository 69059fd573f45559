import type { AppEnv } from "../env.js";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { CONTEXT_DEFAULTS } from "../../agents/context.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import { TEMPLATE_IDS } from "../../domain/template.js";
import { shippedPolicy } from "../../policy/book.js";
import { recommendations } from "../../sim/recommendations.js";
import { notFound, readJson, readQuery } from "../helper/http.js";

export const NamespaceQuery = z.object({ namespace: z.string().min(1).max(120).default("main") });

/** What a contact that names no policy runs, in which namespace. */

/** The policy as operators see it: posteriors and counts per cohort and template; reset; freeze. */
export function policyRouter(rt: CareRuntime) {
  const bound = (namespace: string) => rt.store.policyState.binding(namespace);
  const binding = async (namespace: string) => {
    const row = await bound(namespace);
    if (!row) throw notFound(`policy namespace ${namespace}`);
    return { policy: row.policy, frozen: row.frozen };
  };
  /** The namespace's policy as it stands; the main one before its first contact is the default policy, untrained.
   * Reading binds nothing: binding here would refuse a first contact that asks for another policy. */
  const current = async (namespace: string) => {
    if (namespace === CONTEXT_DEFAULTS.policy_namespace && !(await bound(namespace)))
      return { policy: CONTEXT_DEFAULTS.policy, frozen: false, estimates: [] };
    const { policy, frozen } = await binding(namespace);
    return { policy, frozen, estimates: (await rt.deps.policies.get(namespace, shippedPolicy(namespace, policy))).estimates() };
  };
  const freeze = (frozen: boolean) => async (c: Context<AppEnv>) => {
    const { namespace } = await readJson(c, NamespaceQuery);
    await binding(namespace);
    await rt.deps.policies.setFrozen(namespace, frozen);
    await rt.store.audit.record(c.get("apiKey") ?? "api", frozen ? "policy.freeze" : "policy.unfreeze", `policy:${namespace}`);
    return c.json({ namespace, frozen });
  };
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const { namespace } = readQuery(c, NamespaceQuery);
      const { policy, frozen, estimates } = await current(namespace);
      const arms = estimates.map((e) => ({
        context: e.context,
        template: TEMPLATE_IDS[e.arm],
        n: e.n,
        mean_reward: e.meanReward,
        estimate: e.estimate,
      }));
      return c.json({ namespace, policy, frozen, arms });
    })
    .get("/recommendations", async (c) => {
      const { namespace } = readQuery(c, NamespaceQuery);
      const { policy, estimates } = await current(namespace);
      return c.json({ namespace, policy, items: recommendations(estimates, TEMPLATE_IDS) });
    })
    .post("/reset", async (c) => {
      const { namespace } = await readJson(c, NamespaceQuery);
      await binding(namespace);
      await rt.deps.policies.reset(namespace);
      await rt.store.audit.record(c.get("apiKey") ?? "api", "policy.reset", `policy:${namespace}`);
      return c.json({ namespace, reset: true });
    })
    .post("/freeze", freeze(true))
    .post("/unfreeze", freeze(false));
}
