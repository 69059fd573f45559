import type { AppEnv } from "../env.js";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { policyRecommendations, policyView, resetPolicy, setPolicyFrozen } from "../../app/policy-admin.js";
import { TEMPLATE_IDS } from "../../domain/template.js";
import { notFound, readJson, readQuery } from "../helper/http.js";

export const NamespaceQuery = z.object({ namespace: z.string().min(1).max(120).default("main") });

/** The policy as operators see it: posteriors and counts per cohort and template; reset; freeze. */
export function policyRouter(rt: CareRuntime) {
  const current = async (namespace: string) => {
    const v = await policyView(rt, namespace);
    if (!v) throw notFound(`policy namespace ${namespace}`);
    return v;
  };
  const freeze = (frozen: boolean) => async (c: Context<AppEnv>) => {
    const { namespace } = await readJson(c, NamespaceQuery);
    if (!(await setPolicyFrozen(rt, namespace, frozen, c.get("apiKey") ?? "api"))) throw notFound(`policy namespace ${namespace}`);
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
      const v = await current(namespace);
      return c.json({ namespace, policy: v.policy, items: policyRecommendations(v) });
    })
    .post("/reset", async (c) => {
      const { namespace } = await readJson(c, NamespaceQuery);
      if (!(await resetPolicy(rt, namespace, c.get("apiKey") ?? "api"))) throw notFound(`policy namespace ${namespace}`);
      return c.json({ namespace, reset: true });
    })
    .post("/freeze", freeze(true))
    .post("/unfreeze", freeze(false));
}
