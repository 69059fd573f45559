import { z } from "zod";
import { RewardWeights } from "../domain/reward.js";
import { PolicyName } from "../policy/registry.js";

/** Per-run configuration of the care graph (LangGraph context schema). */
export const CareContext = z.object({
  policy: PolicyName.default("thompson"),
  /** Separate learning state: "main" in production, one per experiment arm. */
  policy_namespace: z.string().min(1).max(120).default("main"),
  /** Judge churn probability above which a person reviews the message. */
  churn_threshold: z.number().min(0).max(1).default(0.85),
  reward_weights: RewardWeights.default({ nps: 0.6, engagement: 0.3, churn: 0.3 }),
  experiment_id: z.string().nullable().default(null),
  iteration: z.number().int().nullable().default(null),
  /** Names the contact's random draws (defaults to its namespace and interaction id): an experiment keys
   * them on (iteration, customer) only, so a policy and its baseline face the same reactions, and a rerun
   * with the same seed the same draws, whatever the experiment's id. */
  draw_key: z.string().nullable().default(null),
});
export type CareContext = z.infer<typeof CareContext>;
export type CareContextInput = z.input<typeof CareContext>;

const experimentsOnly = z.never({ error: "set by the experiment runner only: it files the contact under an experiment's results and fixes its random draws" }).optional();
/** What a run that sets nothing gets. */
export const CONTEXT_DEFAULTS: CareContext = CareContext.parse({});

const ApiContextFields = CareContext.extend({
  policy_namespace: CareContext.shape.policy_namespace.unwrap().regex(/^[^/]*$/, { error: "a namespace with '/' is an experiment arm's" }).default("main"),
  // A caller may bring a person in sooner, never later: the threshold guards customers, not the caller's numbers.
  churn_threshold: CareContext.shape.churn_threshold.unwrap().max(CONTEXT_DEFAULTS.churn_threshold, { error: `a caller may lower it (a person sooner), not raise it past ${CONTEXT_DEFAULTS.churn_threshold}` }).default(CONTEXT_DEFAULTS.churn_threshold),
  experiment_id: experimentsOnly,
  iteration: experimentsOnly,
  draw_key: experimentsOnly,
});

/** The main namespace learns from the product's reward only: other weights would teach it what the caller wants. */
function mainLearnsProductReward(c: { policy_namespace?: string; reward_weights?: { nps: number; engagement: number; churn: number } }, ctx: z.RefinementCtx) {
  const w = c.reward_weights;
  const d = CONTEXT_DEFAULTS.reward_weights;
  if ((c.policy_namespace ?? CONTEXT_DEFAULTS.policy_namespace) === CONTEXT_DEFAULTS.policy_namespace && w && (w.nps !== d.nps || w.engagement !== d.engagement || w.churn !== d.churn))
    ctx.addIssue({ code: "custom", path: ["reward_weights"], message: `the ${CONTEXT_DEFAULTS.policy_namespace} namespace learns with the product's reward; set other weights in a policy_namespace of your own` });
}

/**
 * A run's context as an API caller may send it: an experiment's id, iteration and draw key are the runner's,
 * which calls the graph itself, and so are its arms' namespaces ("<experiment id>/policy"): a caller's
 * contacts would teach a running experiment's policy. Nor may a caller raise the churn threshold or change
 * what the main policy learns from.
 */
export const ApiContext = ApiContextFields.superRefine(mainLearnsProductReward);
/** ApiContext with every field optional (the rest take their defaults later). */
export const ApiContextPatch = ApiContextFields.partial().strict().superRefine(mainLearnsProductReward);

/** What a contact's random streams are named by, after their seed and purpose. */
export function drawParts(ctx: CareContext, namespace: string, interactionId: string): string[] {
  return ctx.draw_key === null ? [namespace, interactionId] : [ctx.draw_key];
}

const parsed = new WeakMap<object, CareContext>();

/** LangGraph hands the context through as given: parsed once per run (the same object reaches every node). */
export function readContext(runtime: { context?: unknown } | undefined): CareContext {
  const raw = runtime?.context;
  if (typeof raw !== "object" || raw === null) return CareContext.parse({});
  let ctx = parsed.get(raw);
  if (!ctx) parsed.set(raw, (ctx = CareContext.parse(raw)));
  return ctx;
}
