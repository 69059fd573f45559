import { z } from "zod";

const Sentiment = z.number().min(-1).max(1);

export const JudgeScore = z.object({
  nps_expected: z.number().min(0).max(10),
  engagement_prob: z.number().min(0).max(1),
  churn_prob: z.number().min(0).max(1),
  aspect_sentiment: z.object({
    finanzas: Sentiment,
    mecanica: Sentiment,
    logistica: Sentiment,
    atencion: Sentiment,
  }),
  rationale: z.string().max(280),
});
export type JudgeScore = z.infer<typeof JudgeScore>;
