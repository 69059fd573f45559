import { Command, END, START, StateGraph, type BaseCheckpointSaver, type BaseStore } from "@langchain/langgraph";
import { CareContext } from "../src/agents/context.js";
import { createCareDeps, type CareDeps } from "../src/agents/deps.js";
import { humanReview } from "../src/agents/human-review.js";
import { judge } from "../src/agents/judge.js";
import { outreach } from "../src/agents/outreach.js";
import { policyUpdate } from "../src/agents/policy-update.js";
import { responder } from "../src/agents/responder.js";
import { router } from "../src/agents/router.js";
import { safety } from "../src/agents/safety.js";
import { CareGraphInput, CareState, type CareStateType, type CareUpdate } from "../src/agents/state.js";
import { appConfigFromEnv } from "../src/config.js";
import { lazyNode } from "./lazy-node.js";
import { loadEnvironment } from "../src/store/assets.js";
import { openSqliteStore } from "../src/store/sqlite/open.js";

export function routeAfterRouter(state: CareStateType): "responder" | "outreach" | "human_review" {
  if (state.contact.route === "severe") return "human_review";
  return state.contact.route === "silent" ? "outreach" : "responder";
}

/** A violation already became the fallback message where the text was written (guardDraft). */
export function routeAfterSafety(state: CareStateType): "judge" | "human_review" {
  return state.contact.safety_verdict?.verdict === "severe" ? "human_review" : "judge";
}

export function routeAfterPolicyUpdate(state: CareStateType): "human_review" | typeof END {
  const { escalation, review } = state.contact;
  return escalation?.reason === "churn_risk" && !review ? "human_review" : END;
}

/** Escalations before the judge are logged after the person acts; the churn escalation was logged already. */
export function routeAfterHumanReview(state: CareStateType): "policy_update" | typeof END {
  return state.contact.outcome ? END : "policy_update";
}

/**
 * A node that routes itself: its update plus the routing function's choice, as one Command. Same
 * decisions as conditional edges, one runnable fewer per branch on every run.
 */
function routed<C>(node: (state: CareStateType, config: C) => CareUpdate | Promise<CareUpdate>, route: (state: CareStateType) => string) {
  return async (state: CareStateType, config: C) => {
    const update = await node(state, config);
    const next = { ...state, ...update, contact: { ...state.contact, ...update.contact } } as CareStateType;
    return new Command({ update, goto: route(next) });
  };
}

export function createCareBuilder(deps: () => CareDeps) {
  return new StateGraph(CareState, { input: CareGraphInput, context: CareContext })
    .addNode("router", routed(lazyNode("router", router, deps), routeAfterRouter), { ends: ["responder", "outreach", "human_review"] })
    .addNode("responder", lazyNode("responder", responder, deps))
    .addNode("outreach", lazyNode("outreach", outreach, deps))
    .addNode("safety", routed(lazyNode("safety", safety, deps), routeAfterSafety), { ends: ["judge", "human_review"] })
    .addNode("human_review", routed(lazyNode("human_review", humanReview, deps), routeAfterHumanReview), { ends: ["policy_update", END] })
    .addNode("judge", lazyNode("judge", judge, deps))
    .addNode("policy_update", routed(lazyNode("policy_update", policyUpdate, deps), routeAfterPolicyUpdate), { ends: ["human_review", END] })
    .addEdge(START, "router")
    .addEdge("responder", "safety")
    .addEdge("outreach", "safety")
    .addEdge("judge", "policy_update");
}

/** `store`: the long-term memory (customer profiles), reached by nodes as `config.store`. */
export function compileCareGraph(deps: CareDeps, checkpointer?: BaseCheckpointSaver, store?: BaseStore) {
  return createCareBuilder(() => deps).compile({ checkpointer, store, name: "care" });
}

let defaults: CareDeps | undefined;
/** The deps of the exported graph: the configured SQLite file and models (see README, Configuration). */
function defaultDeps(): CareDeps {
  if (!defaults) {
    const config = appConfigFromEnv();
    defaults = createCareDeps({
      store: openSqliteStore(config.dbPath),
      seed: config.seed,
      environment: config.environmentFile ? loadEnvironment(config.environmentFile) : undefined,
      models: config.models,
    });
  }
  return defaults;
}

export const builder = createCareBuilder(defaultDeps);
/** For LangGraph Studio and the LangGraph API server, which bring their own checkpointer. */
export const graph = builder.compile({ name: "care" });
