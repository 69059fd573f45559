import type { DecisionContext } from "../domain/context.js";
import { ISSUE_BUCKETS, SEGMENTS } from "../domain/segment.js";

export const NUMERIC_FEATURES = ["price", "recency", "past_nps", "churn_risk", "issues_flag"] as const;

/**
 * Which features a linear policy sees, and how hard its prior pulls each group toward 0 (a ridge
 * precision). A large `interactions` precision makes segment × issue effects pay for themselves with data:
 * the model starts additive (cohorts share what they have in common) and becomes per-cohort where the
 * data say the additive picture is wrong.
 */
export interface FeatureSpec {
  numeric: boolean;
  interactions: boolean;
  precision: { main: number; numeric: number; interactions: number };
}

/** A feature vector stored sparsely: one-hots leave most coordinates at 0. */
export interface SparseVector {
  idx: number[];
  val: number[];
}

const S = SEGMENTS.length;
const I = ISSUE_BUCKETS.length;
const N = NUMERIC_FEATURES.length;

export function featureDim(spec: FeatureSpec): number {
  return 1 + S + I + (spec.numeric ? N : 0) + (spec.interactions ? S * I : 0);
}

/** Layout: [1, segment one-hot, issue one-hot, numeric…, segment×issue one-hot…]. */
export function encode(ctx: DecisionContext, spec: FeatureSpec): SparseVector {
  const s = SEGMENTS.indexOf(ctx.segment);
  const i = ISSUE_BUCKETS.indexOf(ctx.issue_bucket);
  const idx = [0, 1 + s, 1 + S + i];
  const val = [1, 1, 1];
  let next = 1 + S + I;
  if (spec.numeric) {
    NUMERIC_FEATURES.forEach((f, k) => {
      idx.push(next + k);
      // Centred: a coefficient shrunk to 0 then means "like the average customer", and the column
      // no longer competes with the intercept, which keeps A well conditioned.
      val.push(ctx.features[f] - 0.5);
    });
    next += N;
  }
  if (spec.interactions) {
    idx.push(next + s * I + i);
    val.push(1);
  }
  return { idx, val };
}

export function priorPrecision(spec: FeatureSpec): number[] {
  const p = Array(1 + S + I).fill(spec.precision.main) as number[];
  if (spec.numeric) p.push(...Array(N).fill(spec.precision.numeric));
  if (spec.interactions) p.push(...Array(S * I).fill(spec.precision.interactions));
  return p;
}

export type FeatureGroup = keyof FeatureSpec["precision"];

/** Which prior group each coordinate of `encode`'s layout belongs to. */
export function featureGroups(spec: FeatureSpec): FeatureGroup[] {
  const g: FeatureGroup[] = Array(1 + S + I).fill("main");
  if (spec.numeric) g.push(...Array<FeatureGroup>(N).fill("numeric"));
  if (spec.interactions) g.push(...Array<FeatureGroup>(S * I).fill("interactions"));
  return g;
}
