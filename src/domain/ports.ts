import type { DecisionContext } from "./context.js";
import type { Customer } from "./customer.js";
import type { JudgeScore } from "./judge-score.js";
import type { Mode, Template, TemplateId } from "./template.js";

export interface WriterInput {
  template: Template;
  mode: Mode;
  customer: Customer;
  /** The message the customer sent in this contact (empty for outreach). */
  incoming: string;
  /** The template with its slots filled: the writer may only reword it. */
  draft: string;
  maxWords: number;
}

/** Turns a filled template into the message to send. */
export interface Writer {
  readonly kind: "offline" | "llm";
  write(input: WriterInput, signal?: AbortSignal): Promise<string>;
}

export interface JudgeInput {
  /** Names the random draws of a simulated judge, so two policies can face the same customer reaction. */
  drawKey: string;
  customer: Customer;
  incoming: string;
  context: DecisionContext;
  mode: Mode;
  template: TemplateId | null;
  message: string;
}

/** Estimates how the customer will take a message. */
export interface Judge {
  readonly kind: "simulated" | "llm";
  score(input: JudgeInput, signal?: AbortSignal): Promise<JudgeScore>;
}
