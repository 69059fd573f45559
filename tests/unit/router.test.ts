import { afterAll, describe, expect, it } from "vitest";
import { END } from "@langchain/langgraph";
import { routeAfterHumanReview, routeAfterPolicyUpdate, routeAfterRouter, routeAfterSafety } from "../../graphs/care.js";
import { router, severity } from "../../src/agents/router.js";
import { modeOf, type CareStateType } from "../../src/agents/state.js";
import { loadSeverityRules } from "../../src/store/assets.js";
import { customer, testRuntime } from "../helpers/runtime.js";

const rt = await testRuntime({
  customers: [
    customer({ customer_id: "vf", segment: "VF", is_vocal: true, first_message: "Hola, ¿me confirman el día de entrega?", issue_bucket: "logistica" }),
    customer({ customer_id: "ve", segment: "VE", is_vocal: true }),
    customer({ customer_id: "nvf", segment: "NVF", is_vocal: false, first_message: "", issue_bucket: "finanzas" }),
    customer({ customer_id: "nve", segment: "NVE", is_vocal: false, first_message: "" }),
    customer({ customer_id: "legal", segment: "VE", is_vocal: true, first_message: "Ya hablé con mi abogado, esto es un fraude." }),
  ],
});
afterAll(() => rt.close());
const route = async (input: Partial<CareStateType>) => {
  const update = await router(rt.deps)({ contact: {}, ...input } as CareStateType, { configurable: { thread_id: "th-1" } });
  return { interaction_id: update.interaction_id, ...update.contact };
};

describe("router", () => {
  it.each([
    ["vf", "vocal", "responder", "VF/logistica"],
    ["ve", "vocal", "responder", "VE/mecanica"],
    ["nvf", "silent", "outreach", "NVF/finanzas"],
    ["nve", "silent", "outreach", "NVE/mecanica"],
  ])("sends %s to %s (%s) with context %s", async (id, expected, mode, key) => {
    const out = await route({ customer_id: id });
    expect(out.route).toBe(expected);
    expect(modeOf(out.route)).toBe(mode);
    expect(out.context?.key).toBe(key);
    expect(out.escalation).toBeUndefined();
  });

  it("sends a legal threat straight to a person", async () => {
    expect(await route({ customer_id: "legal" })).toMatchObject({ route: "severe", escalation: { reason: "legal_threat" } });
  });

  it("sends a safety risk in this contact's message to a person, even from a silent customer", async () => {
    expect(await route({ customer_id: "nvf", message: "Se quedó sin frenos en la carretera" })).toMatchObject({
      route: "severe",
      escalation: { reason: "safety_risk" },
    });
  });

  it("sends priority ≥ 9 to a person, priority 8 not", async () => {
    expect((await route({ customer_id: "vf", priority: 9 })).escalation?.reason).toBe("priority");
    expect((await route({ customer_id: "vf", priority: 8 })).route).toBe("vocal");
  });

  it("treats a silent customer who writes as vocal for this contact", async () => {
    expect((await route({ customer_id: "nve", message: "Hola, ¿cuándo es mi servicio?" })).route).toBe("vocal");
  });

  it("takes the interaction id from the thread when none is given", async () => {
    expect((await route({ customer_id: "vf" })).interaction_id).toBe("th-1");
    expect((await route({ customer_id: "vf", interaction_id: "given" })).interaction_id).toBe("given");
  });

  it("rejects an unknown customer", async () => {
    await expect(route({ customer_id: "nobody" })).rejects.toThrow(/nobody does not exist/);
  });

  it("matches severity words without accents or case", async () => {
    expect(severity("Voy a poner una DENUNCIA en el Ministerio Público", undefined, loadSeverityRules())?.reason).toBe("legal_threat");
    expect(severity("Todo bien, gracias", 3, loadSeverityRules())).toBeUndefined();
  });
});

describe("routing functions", () => {
  const s = (contact: CareStateType["contact"]) => ({ contact }) as CareStateType;
  it("after the router", async () => {
    expect(routeAfterRouter(s({ route: "vocal" }))).toBe("responder");
    expect(routeAfterRouter(s({ route: "silent" }))).toBe("outreach");
    expect(routeAfterRouter(s({ route: "severe" }))).toBe("human_review");
  });
  it("after safety", async () => {
    expect(routeAfterSafety(s({ safety_verdict: { verdict: "ok", rules: [] } }))).toBe("judge");
    expect(routeAfterSafety(s({ safety_verdict: { verdict: "fixable", rules: ["blame"] } }))).toBe("judge");
    expect(routeAfterSafety(s({ safety_verdict: { verdict: "severe", rules: ["blacklist"] } }))).toBe("human_review");
  });
  it("after policy_update: churn escalation once", async () => {
    expect(routeAfterPolicyUpdate(s({ escalation: { reason: "churn_risk", detail: "" } }))).toBe("human_review");
    expect(routeAfterPolicyUpdate(s({ escalation: { reason: "churn_risk", detail: "" }, review: { action: "accept", message: "x" } }))).toBe(END);
    expect(routeAfterPolicyUpdate(s({}))).toBe(END);
  });
  it("after human_review: log unless logged", async () => {
    expect(routeAfterHumanReview(s({}))).toBe("policy_update");
    expect(routeAfterHumanReview(s({ outcome: { status: "scored", reward: 0.5, learned: true } }))).toBe(END);
  });
});
