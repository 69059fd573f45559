import { z } from "zod";
import { CareInput } from "../agents/state.js";
import { Customer } from "../domain/customer.js";
import { HumanInterrupt, HumanResume } from "../domain/human.js";
import { Interaction } from "../domain/interaction.js";
import { CustomerListQuery, GenerateRequest } from "./router/customers.js";
import { ApiExperimentParams } from "./router/experiments.js";
import { ClaimRequest, HandBackRequest, HandoffListQuery, MessageRequest, ResolveRequest } from "./router/handoffs.js";
import { InteractionQuery } from "./router/interactions.js";
import { KpiQuery } from "./router/metrics.js";
import { ThreadCreate } from "./router/platform.js";
import { WaitRequest } from "./router/platform-rules.js";
import { NamespaceQuery } from "./router/policy.js";
import { DeadLetterQuery, DeadRun, RunView } from "./router/queue.js";
import { RunRequest } from "./router/runs.js";
import { ChatMessageRequest } from "./router/chats.js";
import { TwilioMessage } from "./router/twilio.js";
import { TelegramUpdate } from "./router/telegram.js";

interface Operation {
  method: "get" | "post";
  path: string;
  tag: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyType?: string;
  ok?: { status: number; schema?: z.ZodType; description: string };
  public?: boolean;
  errors?: number[];
}

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }),
});

const id = (name: string) => `{${name}}`;

/** Every route, by hand: the list below is what /openapi.json publishes and /docs shows. */
const OPERATIONS: Operation[] = [
  { method: "get", path: "/healthz", tag: "operations", summary: "Liveness", public: true },
  { method: "get", path: "/readyz", tag: "operations", summary: "Readiness: the database and the run queue answer (the queue's depth and dead letters in the body); 503 names what failed", public: true, errors: [503] },
  { method: "get", path: "/metrics", tag: "operations", summary: "Prometheus metrics; with METRICS_TOKEN set, that token as a bearer token", public: true, errors: [401] },
  { method: "get", path: "/v1/customers", tag: "customers", summary: "List customers", query: CustomerListQuery },
  { method: "post", path: "/v1/customers", tag: "customers", summary: "Create or replace one customer", body: Customer, ok: { status: 201, schema: Customer, description: "Stored" } },
  { method: "post", path: "/v1/customers/generate", tag: "customers", summary: "Generate synthetic customers (PersonaForge)", body: GenerateRequest, ok: { status: 201, description: "Created" } },
  { method: "post", path: "/v1/customers/import", tag: "customers", summary: "Import a CSV (all rows or none)", bodyType: "text/csv", ok: { status: 201, description: "Imported" }, errors: [400, 415] },
  { method: "get", path: `/v1/customers/${id("customer_id")}`, tag: "customers", summary: "One customer", ok: { status: 200, schema: Customer, description: "The customer" }, errors: [404] },
  { method: "post", path: `/v1/customers/${id("customer_id")}/runs`, tag: "runs", summary: "Run one contact now; 202 when it went to a person; 503 with Retry-After when too many wait for a run slot", body: RunRequest, errors: [400, 404, 409, 503] },
  {
    method: "post",
    path: `/v1/chats/${id("thread_id")}/messages`,
    tag: "chats",
    summary: "One customer message to the conversation graph on a thread the client names (a UUID): the reply and what the turn did; 202 when a person takes the conversation",
    body: ChatMessageRequest,
    errors: [400, 409, 503],
  },
  { method: "get", path: `/v1/chats/${id("thread_id")}`, tag: "chats", summary: "A conversation's messages, the customer's and the bot's, and the thread's status", errors: [404] },
  {
    method: "get",
    path: "/v1/runs/dead",
    tag: "runs",
    summary: "Runs dead-lettered after their last attempt, newest first: error, attempts, thread (never the run's input)",
    query: DeadLetterQuery,
    ok: { status: 200, schema: z.object({ items: z.array(DeadRun), limit: z.number(), offset: z.number(), next_offset: z.number().nullable() }), description: "A page" },
  },
  { method: "get", path: `/v1/runs/${id("run_id")}`, tag: "runs", summary: "One queued run: status, attempts, last error, timestamps", ok: { status: 200, schema: RunView, description: "The run" }, errors: [404] },
  { method: "get", path: "/v1/policy", tag: "policy", summary: "Posterior and counts per cohort and template", query: NamespaceQuery, errors: [404] },
  { method: "get", path: "/v1/policy/recommendations", tag: "policy", summary: "Best template per cohort, in words", query: NamespaceQuery, errors: [404] },
  { method: "post", path: "/v1/policy/reset", tag: "policy", summary: "Forget what the policy learned", body: NamespaceQuery, errors: [404] },
  { method: "post", path: "/v1/policy/freeze", tag: "policy", summary: "Keep deciding, stop learning", body: NamespaceQuery, errors: [404] },
  { method: "post", path: "/v1/policy/unfreeze", tag: "policy", summary: "Learn again", body: NamespaceQuery, errors: [404] },
  { method: "get", path: "/v1/interactions", tag: "interactions", summary: "The interaction log, filtered and paginated", query: InteractionQuery, ok: { status: 200, schema: z.object({ items: z.array(Interaction), next_offset: z.number().nullable() }), description: "A page" } },
  { method: "get", path: "/v1/metrics", tag: "interactions", summary: "KPIs per iteration, segment, template, issue, namespace", query: KpiQuery },
  { method: "get", path: "/v1/experiments", tag: "experiments", summary: "Experiments, newest first" },
  { method: "post", path: "/v1/experiments", tag: "experiments", summary: "Start an experiment in the background", body: ApiExperimentParams, ok: { status: 202, description: "Started" } },
  { method: "get", path: `/v1/experiments/${id("experiment_id")}`, tag: "experiments", summary: "Progress, then results", errors: [404] },
  { method: "post", path: `/v1/experiments/${id("experiment_id")}/cancel`, tag: "experiments", summary: "Cancel a running experiment", ok: { status: 202, description: "Cancelling" }, errors: [404, 409] },
  { method: "get", path: "/v1/handoffs", tag: "hand-offs", summary: "Escalations waiting for (or resolved by) a person", query: HandoffListQuery },
  { method: "get", path: `/v1/handoffs/${id("interaction_id")}`, tag: "hand-offs", summary: "One hand-off with its audit trail", errors: [404] },
  { method: "post", path: `/v1/handoffs/${id("interaction_id")}/claim`, tag: "hand-offs", summary: "Claim it (exclusive) for `agent`, a registered, enabled agent or admin (else 422 unknown_agent); the conversation becomes theirs", body: ClaimRequest, errors: [404, 409, 422] },
  { method: "post", path: `/v1/handoffs/${id("interaction_id")}/resolve`, tag: "hand-offs", summary: "Accept, edit, respond or ignore (Agent Inbox HumanResponse; a conversation hand-off: respond or ignore); resumes the graph; `agent` is the claimant, a registered agent (else 422 unknown_agent)", body: ResolveRequest, errors: [400, 404, 409, 422, 503] },
  { method: "get", path: `/v1/conversations/${id("customer_id")}`, tag: "hand-offs", summary: "Who owns the conversation, what the customer wrote, what people sent (delivery status) and the audit log", errors: [404] },
  { method: "post", path: `/v1/conversations/${id("customer_id")}/handback`, tag: "hand-offs", summary: "Hand the conversation back to the bot (`agent`: its owner, a registered agent; else 422 unknown_agent)", body: HandBackRequest, errors: [403, 409, 422] },
  { method: "post", path: `/v1/conversations/${id("customer_id")}/messages`, tag: "hand-offs", summary: "The owning agent writes to the customer: queued (202) and sent on the channel they wrote from (WhatsApp through Twilio's API, Telegram through the Bot API), retried until delivered; a retry with the same Idempotency-Key header answers the message queued first; `agent`: the owner, a registered agent (else 422 unknown_agent)", body: MessageRequest, errors: [400, 403, 404, 409, 422] },
  { method: "post", path: "/webhooks/twilio/whatsapp", tag: "webhooks", summary: "Twilio WhatsApp webhook (X-Twilio-Signature); answers TwiML", body: TwilioMessage, bodyType: "application/x-www-form-urlencoded", public: true, errors: [400, 403, 503] },
  { method: "post", path: "/webhooks/telegram", tag: "webhooks", summary: "Telegram Bot API webhook (X-Telegram-Bot-Api-Secret-Token); a private chat's text is answered through sendMessage, every other update acknowledged and dropped", body: TelegramUpdate, public: true, errors: [400, 403, 503] },
  { method: "post", path: "/assistants/search", tag: "langgraph", summary: "LangGraph Platform: the care assistant" },
  { method: "get", path: `/assistants/${id("assistant_id")}/schemas`, tag: "langgraph", summary: "LangGraph Platform: input, state and context JSON schemas (assistants.getSchemas)", errors: [404] },
  { method: "post", path: "/threads", tag: "langgraph", summary: "LangGraph Platform: create a thread (the service's metadata keys are not a client's)", body: ThreadCreate, errors: [400, 409] },
  { method: "post", path: `/threads/${id("thread_id")}/runs/wait`, tag: "langgraph", summary: "LangGraph Platform: run and wait (input is CareInput; resume with command.resume = [HumanResponse] and metadata.agent = the hand-off's claimant, a registered agent: else 422 unknown_agent)", body: WaitRequest, errors: [400, 404, 409, 422, 503] },
  { method: "post", path: `/threads/${id("thread_id")}/runs/stream`, tag: "langgraph", summary: "LangGraph Platform: run and stream (SSE: values, updates, custom)" },
  { method: "get", path: `/threads/${id("thread_id")}/state`, tag: "langgraph", summary: "LangGraph Platform: thread state" },
  { method: "post", path: `/threads/${id("thread_id")}/history`, tag: "langgraph", summary: "LangGraph Platform: checkpoint history" },
];

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-2020-12" });

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
      ...Object.entries(op.query?.shape ?? {}).map(([name, s]) => ({ name, in: "query", required: !(s as z.ZodType).safeParse(undefined).success, schema: schema(s as z.ZodType) })),
    ];
    const responses: Record<string, unknown> = {
      [String(op.ok?.status ?? 200)]: {
        description: op.ok?.description ?? "OK",
        ...(op.ok?.schema ? { content: { "application/json": { schema: schema(op.ok.schema) } } } : {}),
      },
    };
    for (const status of new Set([...(op.body || op.query ? [400] : []), ...(op.public ? [] : [401, 429]), ...(op.errors ?? [])]))
      responses[String(status)] = { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      tags: [op.tag],
      summary: op.summary,
      ...(op.public ? { security: [] } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(op.body || op.bodyType ? { requestBody: { required: true, content: { [op.bodyType ?? "application/json"]: { schema: op.body ? schema(op.body) : { type: "string" } } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "care-graph",
      version: "0.1.0",
      description:
        "Customer care of a used-car marketplace: the care graph (router → responder/outreach → safety → judge → policy_update), human hand-offs, WhatsApp. The LangGraph Platform routes work with the official SDK.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" }, apiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
      schemas: {
        Error: schema(ErrorBody),
        Customer: schema(Customer),
        Interaction: schema(Interaction),
        CareInput: schema(CareInput),
        HumanInterrupt: schema(HumanInterrupt),
        HumanResponse: schema(HumanResume),
      },
    },
  };
}
