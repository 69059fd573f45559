import type { ChatOpenAI } from "@langchain/openai";
import { interpolate } from "../domain/fill.js";
import type { ModelConfig } from "./config.js";
import { incomingBlock, userMessage, type PromptSet } from "./prompts.js";
import { UNSTREAMED_TAGS } from "./openai.js";
import { withRetry } from "./retry.js";
import type { Writer, WriterInput } from "../domain/ports.js";

/** Rewords the filled template with a chat model. Failures propagate: the caller falls back to the template. */
export class LlmWriter implements Writer {
  readonly kind = "llm" as const;

  constructor(
    private readonly model: ChatOpenAI,
    private readonly prompts: PromptSet,
    private readonly config: ModelConfig,
  ) {}

  async write(input: WriterInput, signal?: AbortSignal): Promise<string> {
    const system = interpolate(this.prompts.system, { max_words: String(input.maxWords) });
    const user = userMessage(this.prompts.user, {
      template_name: input.template.name,
      template_description: input.template.description,
      mode: this.prompts.fragments[input.mode === "responder" ? "mode_responder" : "mode_outreach"],
      story: input.customer.mini_story,
      incoming: incomingBlock(input.incoming, this.prompts.fragments),
      draft: input.draft,
    });
    const answer = await withRetry(
      () =>
        this.model.invoke(
          [
            { role: "system", content: system },
            { role: "user", content: user },
          ],
          { signal, tags: UNSTREAMED_TAGS },
        ),
      { retries: this.config.maxRetries, baseMs: this.config.retryBaseMs, signal },
    );
    const text = typeof answer.content === "string" ? answer.content.trim() : answer.text.trim();
    if (!text) throw new Error("writer model returned an empty message");
    return text;
  }
}
