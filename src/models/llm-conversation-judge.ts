import type { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { ConversationVerdict, type ConversationJudge, type ConversationJudgeInput } from "../domain/simulated-customer.js";
import type { ModelConfig } from "./config.js";
import { userMessage } from "./prompts.js";
import { invokeStructured } from "./structured-call.js";

/** What the model must return; a long rationale is cut rather than the whole verdict thrown away. */
const JudgeAnswer = z.object({ score: z.number(), rationale: z.string() });

/** The online judge of a whole simulated conversation: a chat model with structured output (JSON schema). */
export class LlmConversationJudge implements ConversationJudge {
  readonly kind = "llm" as const;
  private readonly structured;

  constructor(
    model: ChatOpenAI,
    private readonly prompts: { system: string; user: string },
    private readonly config: ModelConfig,
  ) {
    this.structured = model.withStructuredOutput(JudgeAnswer, { name: "conversation_verdict", method: "jsonSchema" });
  }

  async judge({ scenario, history, goalMet }: ConversationJudgeInput, signal?: AbortSignal): Promise<ConversationVerdict> {
    const transcript = history
      .map((x) => `Cliente: ${x.customer.replace(/"""/g, '"')}\nAsistente: ${x.reply.replace(/"""/g, '"')}${x.handedOff ? "\n[pasó a una persona]" : ""}`)
      .join("\n\n");
    const user = userMessage(this.prompts.user, {
      goal: scenario.goal.description,
      goal_met: goalMet ? "cumplido" : "no cumplido",
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
