import type { SeriesMetrics } from "../../../app/series-metrics.js";
import { SEGMENTS } from "../../../domain/segment.js";
import type { ChartSpec } from "./chart.js";

const POLICY = "Política";
const BASELINE = "Base uniforme";

/** Mean reward per iteration, the policy against its uniform baseline: the chart an iteration adds a point to. */
export function rewardChart(it: SeriesMetrics["iterations"]): ChartSpec {
  return {
    id: "reward",
    kind: "line",
    title: "Recompensa media por iteración",
    x: it.map((i) => i.iteration),
    series: [
      { label: POLICY, values: it.map((i) => i.policy?.mean_reward ?? null) },
      { label: BASELINE, values: it.map((i) => i.baseline?.mean_reward ?? null) },
    ],
    y_label: "recompensa",
  };
}

export function npsChart(m: SeriesMetrics): ChartSpec {
  return {
    id: "nps",
    kind: "line",
    title: "NPS esperado por iteración",
    x: m.iterations.map((i) => i.iteration),
    series: [
      { label: POLICY, values: m.iterations.map((i) => i.policy?.mean_nps ?? null) },
      { label: BASELINE, values: m.iterations.map((i) => i.baseline?.mean_nps ?? null) },
    ],
    y_label: "NPS (0–10)",
  };
}

/** Churn and engagement per segment under the policy. */
export function segmentChart(m: SeriesMetrics): ChartSpec {
  const at = (s: string) => m.by.segment.policy.find((k) => k.group === s);
  const present = SEGMENTS.filter((s) => at(s));
  return {
    id: "segments",
    kind: "bars",
    title: "Churn y engagement por segmento (política)",
    x: present,
    series: [
      { label: "Churn", values: present.map((s) => at(s)!.mean_churn) },
      { label: "Engagement", values: present.map((s) => at(s)!.mean_engagement) },
    ],
    y_label: "probabilidad",
  };
}
