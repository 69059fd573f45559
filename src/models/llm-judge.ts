import type { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { JudgeScore } from "../domain/judge-score.js";
import type { ModelConfig } from "./config.js";
import { incomingBlock, userMessage, type PromptSet } from "./prompts.js";
import { invokeStructured } from "./structured-call.js";
import type { Judge, JudgeInput } from "../domain/ports.js";

/** What the model must return; a long rationale is cut rather than the whole score thrown away. */
const JudgeAnswer = JudgeScore.extend({ rationale: z.string() });

/** An LLM judge with structured output (JSON schema) validated against the JudgeScore schema. */
export class LlmJudge implements Judge {
  readonly kind = "llm" as const;
  private readonly structured;

  constructor(
    model: ChatOpenAI,
    private readonly prompts: PromptSet,
    private readonly config: ModelConfig,
  ) {
    this.structured = model.withStructuredOutput(JudgeAnswer, { name: "judge_score", method: "jsonSchema" });
  }

  async score(input: JudgeInput, signal?: AbortSignal): Promise<JudgeScore> {
    const user = userMessage(this.prompts.user, {
      segment: input.context.segment,
      issue: input.context.issue_bucket,
      past_nps: String(input.customer.past_nps),
      story: input.customer.mini_story,
      incoming: incomingBlock(input.incoming, this.prompts.fragments),
      message: input.message,
    });
    const raw = await invokeStructured(
      this.structured,
      [
        { role: "system", content: this.prompts.system },
        { role: "user", content: user },
      ],
      this.config,
      signal,
    );
    return JudgeScore.parse({ ...raw, rationale: String((raw as { rationale?: unknown }).rationale ?? "").slice(0, 280) });
  }
}
