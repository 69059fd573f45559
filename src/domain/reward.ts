import { z } from "zod";
import type { JudgeScore } from "./judge-score.js";

export const RewardWeights = z.object({
  nps: z.number().min(0).default(0.6),
  engagement: z.number().min(0).default(0.3),
  churn: z.number().min(0).default(0.3),
});
export type RewardWeights = z.infer<typeof RewardWeights>;
export const DEFAULT_REWARD_WEIGHTS: RewardWeights = { nps: 0.6, engagement: 0.3, churn: 0.3 };

export const clip01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/**
 * The hackathon's clip0_1(0.6·NPS + 0.3·Eng·10 − 0.3·Churn·10) divided by 10: as written it saturates
 * at 1 for nearly every message, which leaves the bandit nothing to learn from.
 */
export function reward(score: Pick<JudgeScore, "nps_expected" | "engagement_prob" | "churn_prob">, w: RewardWeights = DEFAULT_REWARD_WEIGHTS): number {
  return clip01((w.nps * score.nps_expected) / 10 + w.engagement * score.engagement_prob - w.churn * score.churn_prob);
}
