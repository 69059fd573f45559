import type { Writer, WriterInput } from "../domain/ports.js";

/** The offline writer: the filled template is the message. Deterministic by construction. */
export class TemplateWriter implements Writer {
  readonly kind = "offline" as const;

  async write(input: WriterInput): Promise<string> {
    return input.draft;
  }
}
