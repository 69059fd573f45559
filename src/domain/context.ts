import type { Customer } from "./customer.js";
import type { IssueBucket, Segment } from "./segment.js";

/** A cohort: segment × issue bucket, written as the reference instance writes it ("VE/mecanica"). */
export type ContextKey = `${Segment}/${IssueBucket}`;

export function contextKey(segment: Segment, issue: IssueBucket): ContextKey {
  return `${segment}/${issue}`;
}

/** What a policy may see of a customer: the cohort and numeric signals scaled to about [0, 1]. */
export interface DecisionContext {
  key: ContextKey;
  segment: Segment;
  issue_bucket: IssueBucket;
  features: {
    price: number;
    recency: number;
    past_nps: number;
    churn_risk: number;
    issues_flag: number;
  };
}

const PRICE_SCALE_MXN = 1_000_000;

export function decisionContext(c: Customer): DecisionContext {
  return {
    key: contextKey(c.segment, c.issue_bucket),
    segment: c.segment,
    issue_bucket: c.issue_bucket,
    features: {
      price: Math.min(1, c.price / PRICE_SCALE_MXN),
      // Recent buyers are the ones still forming an opinion; 1 today, ½ after a month.
      recency: 1 / (1 + c.last_purchase_days / 30),
      past_nps: c.past_nps / 10,
      churn_risk: c.churn_risk_est,
      issues_flag: c.issues_flag,
    },
  };
}
