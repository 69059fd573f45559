import { decisionContext, type ContextKey, type DecisionContext } from "../domain/context.js";
import type { IssueBucket, Segment } from "../domain/segment.js";
import { actionProbabilities, bootstrapCi, directMethod, doublyRobust, effectiveSampleSize, ips, snips, type OpeEstimate, type OpeRow } from "../policy/ope.js";
import { rngFor } from "../policy/random.js";
import { createPolicy, type PolicyName } from "../policy/registry.js";
import { crossFit, fitCohortModel, type LoggedReward } from "../policy/reward-model.js";
import type { CustomerStore, InteractionStore } from "../store/ports.js";

/** The log holds nothing an estimate can stand on (no policy-written, scored rows with a propensity). */
export class OpeInputError extends Error {
  override readonly name = "OpeInputError";
}

export interface OpeRequest {
  policy: PolicyName;
  since?: string;
  namespace?: string;
  /** Share of the usable rows, oldest first, the candidate learns from before it is evaluated on the rest. */
  trainShare: number;
  seed: number;
}

export interface OpeReport {
  policy: PolicyName;
  rows: { usable: number; train: number; evaluated: number };
  /** What the logging policy actually earned on the evaluated rows. */
  logged: OpeEstimate;
  ips: OpeEstimate;
  snips: OpeEstimate;
  dm: OpeEstimate;
  dr: OpeEstimate;
  effectiveSampleSize: number;
}

const NEUTRAL_FEATURES: DecisionContext["features"] = { price: 0.5, recency: 0.5, past_nps: 0.5, churn_risk: 0.5, issues_flag: 0 };

/**
 * "A candidate policy" is the named policy trained from scratch by replaying the older part of the log
 * (its logged template and reward; the learners are estimators, so they learn from anyone's choices),
 * then frozen and evaluated as a stochastic policy on the newer part. Train and test never overlap,
 * so the candidate is not scored on the noise it fitted. The numeric features are the ones logged at
 * decision time; rows logged before they were kept take the customer's current record (neutral when
 * the customer is gone).
 */
async function featuresNow(customers: CustomerStore, id: string): Promise<DecisionContext["features"]> {
  const customer = await customers.get(id);
  return customer ? decisionContext(customer).features : NEUTRAL_FEATURES;
}

export async function evaluateFromLog(stores: { interactions: InteractionStore; customers: CustomerStore }, armIds: readonly string[], req: OpeRequest): Promise<OpeReport> {
  const logged: Array<LoggedReward & { propensity: number }> = [];
  for (const i of await stores.interactions.list({ since: req.since, policy_namespace: req.namespace })) {
    if (i.message_source !== "policy" || i.template === null || i.propensity === null || !(i.propensity > 0) || i.reward === null) continue;
    const ctx: DecisionContext = {
      key: i.context_key as ContextKey,
      segment: i.segment as Segment,
      issue_bucket: i.issue_bucket as IssueBucket,
      features: (i.features as DecisionContext["features"] | null) ?? (await featuresNow(stores.customers, i.customer_id)),
    };
    logged.push({ ctx, arm: armIds.indexOf(i.template), reward: i.reward, propensity: i.propensity });
  }
  const split = Math.floor(logged.length * req.trainShare);
  const train = logged.slice(0, split);
  const test = logged.slice(split);
  if (test.length < 2)
    throw new OpeInputError(`${logged.length} usable rows (policy-written, scored, with a propensity)${req.since ? ` since ${req.since}` : ""}${req.namespace ? ` in namespace ${req.namespace}` : ""}: not enough to evaluate on`);

  const candidate = createPolicy(req.policy, armIds.length);
  train.forEach((r, k) => candidate.update(r.ctx, r.arm, r.reward, rngFor(req.seed, "ope-train", k)));
  const target = test.map((r, k) => actionProbabilities((rng) => candidate.choose(r.ctx, rng), armIds.length, rngFor(req.seed, "ope-target", k)));
  const fit = (rows: readonly LoggedReward[]) => fitCohortModel(rows, armIds.length);
  const model = crossFit(test, fit);
  const rows: OpeRow[] = test.map((r, k) => ({ arm: r.arm, reward: r.reward, propensity: r.propensity, target: target[k]!, model: model[k]! }));

  const dm = directMethod(rows);
  // DM's honest interval includes the model's estimation error: refit on bootstrap resamples.
  dm.ci = bootstrapCi(test.length, (idx) => {
    const sample = idx.map((k) => test[k]!);
    const m = crossFit(sample, fit);
    return sample.reduce((a, _r, j) => a + target[idx[j]!]!.reduce((s, p, arm) => s + p * m[j]![arm]!, 0), 0) / sample.length;
  }, rngFor(req.seed, "ope-bootstrap"));

  const loggedMean = test.reduce((a, r) => a + r.reward, 0) / test.length;
  const loggedSd = Math.sqrt(test.reduce((a, r) => a + (r.reward - loggedMean) ** 2, 0) / (test.length - 1));
  return {
    policy: req.policy,
    rows: { usable: logged.length, train: train.length, evaluated: test.length },
    logged: { value: loggedMean, ci: (1.96 * loggedSd) / Math.sqrt(test.length) },
    ips: ips(rows),
    snips: snips(rows),
    dm,
    dr: doublyRobust(rows),
    effectiveSampleSize: effectiveSampleSize(rows),
  };
}

/** Below this share of the evaluated rows the weights rest on a few of them: said in words, not only through the CI. */
const THIN_SUPPORT = 0.1;
export const thinSupport = (r: OpeReport) => r.effectiveSampleSize < THIN_SUPPORT * r.rows.evaluated;

export function formatOpeReport(r: OpeReport): string {
  const line = (label: string, e: OpeEstimate) => `  ${label.padEnd(28)} ${e.value.toFixed(4)} ± ${e.ci.toFixed(4)}`;
  return [
    `Off-policy estimate of "${r.policy}" (trained on the oldest ${r.rows.train} of ${r.rows.usable} usable rows, evaluated on the newest ${r.rows.evaluated}; 95% CI)`,
    line("logged policy (on-policy)", r.logged),
    line("IPS", r.ips),
    line("self-normalised IPS", r.snips),
    line("direct method (bootstrap)", r.dm),
    line("doubly robust", r.dr),
    `  effective sample size of the weights: ${r.effectiveSampleSize.toFixed(0)} of ${r.rows.evaluated}`,
    ...(thinSupport(r)
      ? [`  caution: the logged policy seldom did what "${r.policy}" would do (a deterministic phase, such as LinUCB or pool-mix, leaves little to reweight): IPS and DR rest on few rows, the direct method on its model`]
      : []),
  ].join("\n");
}
