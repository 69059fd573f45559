import { z } from "zod";
import { ConversationContext } from "../../agents/conversation/state.js";
import { graphInput } from "./graphs.js";
import { HumanResponse } from "../../domain/human.js";
import { redactPii } from "../../domain/pii.js";

/**
 * What a queued run carries, by kind: the executor's only input, parsed when the run is taken (a row
 * written by an older version, or by hand, is refused rather than half-run). Every kind is one graph
 * run on one thread.
 */
export const RunKwargs = z.discriminatedUnion("kind", [
  /** A contact from /v1 or a channel: runContact's request. */
  z.object({
    kind: z.literal("contact"),
    customer_id: z.string().min(1),
    // Masked before it is stored, as the graph's input is (a queued run is at rest too).
    message: z.string().transform(redactPii).optional(),
    priority: z.number().int().optional(),
    interaction_id: z.string().optional(),
    context: z.record(z.string(), z.unknown()).default({}),
    request_id: z.string().optional(),
    /** An inbound WhatsApp message this contact answers: its reply goes out through the outbox. */
    channel: z.object({ message_sid: z.string().min(1) }).optional(),
  }),
  /** A person's answer to a hand-off (/v1/handoffs/{id}/resolve). */
  z.object({
    kind: z.literal("resolve"),
    interaction_id: z.string().min(1),
    agent: z.string().min(1),
    response: HumanResponse,
    request_id: z.string().optional(),
  }),
  /** A customer's message to the conversation graph (/v1 or a channel): one turn on the run's thread. */
  z.object({
    kind: z.literal("chat"),
    // Masked before it is stored, as the graph's input is.
    message: z.string().transform(redactPii),
    context: ConversationContext,
    request_id: z.string().optional(),
    /** An inbound channel message this turn answers: its reply goes out through the outbox. */
    inbound: z.object({ message_sid: z.string().min(1) }).optional(),
    /** Someone reads the turn as it is said (the web chat): each bot message is also a `message` event of the run. */
    stream: z.boolean().optional(),
  }),
  /**
   * A run of the LangGraph routes: the validated request body (input or command.resume, context, stream
   * modes, metadata), streamed through the embedded LangGraph server so every stream mode is the Platform's.
   */
  z.object({
    kind: z.literal("platform"),
    // Its input parsed as its graph's (the customer's message masked) before it is stored.
    payload: z.record(z.string(), z.unknown()).transform((p, ctx) => {
      if (!p.input) return p;
      const schema = graphInput(p.assistant_id);
      if (!schema) {
        ctx.addIssue({ code: "custom", path: ["assistant_id"], message: `no graph ${JSON.stringify(p.assistant_id)}` });
        return z.NEVER;
      }
      return { ...p, input: schema.parse(p.input) };
    }),
    request_id: z.string().optional(),
  }),
]);
export type RunKwargs = z.infer<typeof RunKwargs>;
