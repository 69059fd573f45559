import type { AppEnv } from "../env.js";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { TEMPLATE_IDS } from "../../domain/template.js";
import { PolicyName } from "../../policy/registry.js";
import { recommendations } from "../../sim/recommendations.js";
import { notFound, readJson, readQuery } from "../helper/http.js";

export const NamespaceQuery = z.object({ namespace: z.string().min(1).max(120).default("main") });

interface Binding {
  policy: string;
  frozen: number;
}

/** The policy as operators see it: posteriors and counts per cohort and template; reset; freeze. */
export function policyRouter(rt: CareRuntime) {
  const binding = (namespace: string) => {
    const row = rt.db.prepare("SELECT policy, frozen FROM policies WHERE namespace = ?").get(namespace) as Binding | undefined;
    if (!row) throw notFound(`policy namespace ${namespace}`);
    return { policy: PolicyName.parse(row.policy), frozen: row.frozen === 1 };
  };
  const freeze = (frozen: boolean) => async (c: Context<AppEnv>) => {
    const { namespace } = await readJson(c, NamespaceQuery);
    binding(namespace);
    rt.deps.policies.setFrozen(namespace, frozen);
    rt.audit.record(c.get("apiKey") ?? "api", frozen ? "policy.freeze" : "policy.unfreeze", `policy:${namespace}`);
    return c.json({ namespace, frozen });
  };
  return new Hono<AppEnv>()
    .get("/", (c) => {
      const { namespace } = readQuery(c, NamespaceQuery);
      const { policy, frozen } = binding(namespace);
      const arms = rt.deps.policies.get(namespace, policy).estimates().map((e) => ({
        context: e.context,
        template: TEMPLATE_IDS[e.arm],
        n: e.n,
        mean_reward: e.meanReward,
        estimate: e.estimate,
      }));
      return c.json({ namespace, policy, frozen, arms });
    })
    .get("/recommendations", (c) => {
      const { namespace } = readQuery(c, NamespaceQuery);
      const { policy } = binding(namespace);
      return c.json({ namespace, policy, items: recommendations(rt.deps.policies.get(namespace, policy).estimates(), TEMPLATE_IDS) });
    })
    .post("/reset", async (c) => {
      const { namespace } = await readJson(c, NamespaceQuery);
      binding(namespace);
      rt.deps.policies.reset(namespace);
      rt.audit.record(c.get("apiKey") ?? "api", "policy.reset", `policy:${namespace}`);
      return c.json({ namespace, reset: true });
    })
    .post("/freeze", freeze(true))
    .post("/unfreeze", freeze(false));
}
