import type { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { ConversationVerdict, type ConversationJudge, type ConversationJudgeInput } from "../domain/simulated-customer.js";
import type { ModelConfig } from "./config.js";
import { userMessage } from "./prompts.js";
import { invokeStructured } from "./structured-call.js";

/** The words the transcript and the verdict line are written with (prompts/simulated-customer/judge-fragments.es-MX.json). */
export const JudgeFragments = z.object({ customer: z.string(), bot: z.string(), handed_off: z.string(), goal_met: z.string(), goal_not_met: z.string() });
export type JudgeFragments = z.infer<typeof JudgeFragments>;

/** What the model must return; a long rationale is cut rather than the whole verdict thrown away. */
const JudgeAnswer = z.object({ score: z.number(), rationale: z.string() });

/** The online judge of a whole simulated conversation: a chat model with structured output (JSON schema). */
export class LlmConversationJudge implements ConversationJudge {
  readonly kind = "llm" as const;
  private readonly structured;

  constructor(
    model: ChatOpenAI,
    private readonly prompts: { system: string; user: string; fragments: JudgeFragments },
    private readonly config: ModelConfig,
  ) {
    this.structured = model.withStructuredOutput(JudgeAnswer, { name: "conversation_verdict", method: "jsonSchema" });
  }

  async judge({ scenario, history, goalMet }: ConversationJudgeInput, signal?: AbortSignal): Promise<ConversationVerdict> {
    const f = this.prompts.fragments;
    const quoted = (text: string) => text.replace(/"""/g, '"');
    const transcript = history
      .map((x) => `${f.customer}: ${quoted(x.customer)}\n${f.bot}: ${quoted(x.reply)}${x.handedOff ? `\n${f.handed_off}` : ""}`)
      .join("\n\n");
    const user = userMessage(this.prompts.user, {
      goal: scenario.goal.description,
      goal_met: goalMet ? f.goal_met : f.goal_not_met,
      persona: JSON.stringify({ segment: scenario.persona.segment, tone: scenario.persona.tone }),
      turns: String(history.length),
      transcript,
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
    const answer = JudgeAnswer.parse(raw);
    return ConversationVerdict.parse({ score: answer.score, rationale: answer.rationale.slice(0, 280) });
  }
}
