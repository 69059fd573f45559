import { z } from "zod";

/** The person answering a hand-off, by their user name: the API holds it to a registered, enabled agent (agentNamed, src/app/people.ts). */
export const AgentName = z.string().trim().min(1).max(120);

/** Agent Inbox's ActionRequest: what the graph proposes to do. */
export const ActionRequest = z.object({
  action: z.string(),
  args: z.record(z.string(), z.unknown()),
});
export type ActionRequest = z.infer<typeof ActionRequest>;

/** Agent Inbox's HumanInterrupt: the payload of interrupt(), so existing inbox UIs can render it. */
export const HumanInterrupt = z.object({
  action_request: ActionRequest,
  config: z.object({
    allow_ignore: z.boolean(),
    allow_respond: z.boolean(),
    allow_edit: z.boolean(),
    allow_accept: z.boolean(),
  }),
  description: z.string().optional(),
});
export type HumanInterrupt = z.infer<typeof HumanInterrupt>;

/** Agent Inbox's HumanResponse: what resumes the graph, as Command({ resume: [response] }). */
export const HumanResponse = z.discriminatedUnion("type", [
  z.object({ type: z.literal("accept"), args: z.null().optional() }),
  z.object({ type: z.literal("ignore"), args: z.null().optional() }),
  z.object({ type: z.literal("response"), args: z.string().trim().min(1).max(4000) }),
  z.object({
    type: z.literal("edit"),
    args: ActionRequest.extend({ args: z.object({ message: z.string().trim().min(1).max(4000) }).passthrough() }),
  }),
]);
export type HumanResponse = z.infer<typeof HumanResponse>;

/** The resume value, as a list (Agent Inbox) or a single response. */
export const HumanResume = z.union([z.array(HumanResponse).min(1), HumanResponse]).transform((r) => (Array.isArray(r) ? r[0]! : r));
