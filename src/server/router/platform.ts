import { randomUUID } from "node:crypto";
import { createEmbedServer } from "@langchain/langgraph-api/experimental/embed";
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { ApiContext, CareContext } from "../../agents/context.js";
import { CareInput } from "../../agents/state.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import { bookkeptGraph } from "../../app/streamed-runs.js";
import {
  checkClaim,
  checkThreadFree,
  ConversationOwnedError,
  HandoffRefusedError,
  ResumeInProgressError,
  resumeThread,
  runOnThread,
  ThreadInUseError,
} from "../../app/contacts.js";
import type { AppEnv } from "../env.js";
import { applyResponse } from "../../agents/human-review.js";
import { AgentName, HumanInterrupt, HumanResume } from "../../domain/human.js";
import { BOOKKEEPING_KEYS } from "../../store/threads.js";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { conflict, errorBody, HttpError, invalid, notFound, parseWith, readJson } from "../helper/http.js";
import { refusedAnswer } from "./handoffs.js";

export const GRAPH_ID = "care";

const ThreadId = z.string().uuid();

/** Anything but the graph writing a thread's state would bypass its rules (a made-up judge score learned by the policy). */
const STATE_WRITES_REFUSED =
  "a care thread's state is written only by its graph: a person answers a hand-off with POST /v1/handoffs/{id}/claim and /resolve, or resumes the thread with command.resume and metadata.agent naming the claimant";
const refused = (why: string) => z.never({ error: why }).optional();
const FROM_CHECKPOINT = "a contact runs on from where its graph left it, not from another checkpoint";

/** A run on the Platform routes, ours (`runs/wait`) and the embed server's (`runs/stream`). */
export const WaitRequest = z.object({
  assistant_id: z.string().min(1),
  input: z.record(z.string(), z.unknown()).nullish(),
  // Only resume: update/goto would let a client write any state (a made-up score straight into policy_update).
  command: z.object({ resume: z.unknown() }).strict().nullish(),
  context: ApiContext.nullish(),
  config: z.looseObject({ configurable: refused("per-run settings go in context") }).nullish(),
  // On a resume, `agent` names who answers: as on /v1, the agent holding the hand-off's claim.
  metadata: z.looseObject({ agent: AgentName.optional() }).nullish(),
  checkpoint_id: refused(FROM_CHECKPOINT),
  checkpoint: refused(FROM_CHECKPOINT),
  interrupt_before: refused("a contact pauses only for a person"),
  interrupt_after: refused("a contact pauses only for a person"),
  // Both have the embed server call LangSmith (traces with the customer's data, feedback tokens) on a client's word.
  langsmith_tracer: refused("tracing is the operator's setting, not a run's"),
  feedback_keys: refused("tracing is the operator's setting, not a run's"),
});
type RunRequest = z.infer<typeof WaitRequest>;

/** Who answers over these routes: the run's metadata.agent, required. */
const Claimant = z.object({
  metadata: z.object({ agent: z.string({ error: "name the agent holding the hand-off's claim (POST /v1/handoffs/{id}/claim)" }).pipe(AgentName) }),
});

/**
 * Reject a resume before it reaches the graph, as /v1/handoffs/{id}/resolve would: the thread waits for a
 * person, the caller holds the hand-off's claim, and the answer is one the hand-off can take (see
 * applyResponse). Returns the claimant.
 */
async function checkResume(rt: CareRuntime, threadId: string, run: RunRequest): Promise<string> {
  const snapshot = await rt.graph.getState({ configurable: { thread_id: threadId } });
  const pending = snapshot.tasks.flatMap((t) => t.interrupts ?? [])[0];
  if (!pending) throw new HttpError(409, "conflict", `thread ${threadId} is not waiting for a person`);
  const { agent } = parseWith(Claimant, { metadata: run.metadata ?? {} }, "body").metadata;
  await checkClaim(rt.store, threadId, agent);
  const request = z.array(HumanInterrupt).min(1).safeParse(pending.value);
  const response = HumanResume.safeParse(run.command?.resume);
  if (!response.success) throw invalid(response.error, "body.command.resume");
  if (request.success) applyResponse(response.data, request.data[0]!, (request.data[0]!.action_request.args.message as string) || null);
  return agent;
}

/** The bookkeeping's refusals, as answers. */
function answer(e: unknown): unknown {
  if (e instanceof HandoffRefusedError) return refusedAnswer(e.interactionId, e.reason);
  if (e instanceof ResumeInProgressError || e instanceof ConversationOwnedError || e instanceof ThreadInUseError) return conflict(e.message);
  return e;
}

/**
 * A client's thread metadata: free, but the keys the bookkeeping relies on keep the value they have
 * (on a new thread: only the care graph's id).
 */
const clientMetadata = (current: Record<string, unknown>) =>
  z.record(z.string(), z.unknown()).superRefine((metadata, ctx) => {
    for (const key of BOOKKEEPING_KEYS)
      if (key in metadata && JSON.stringify(metadata[key]) !== JSON.stringify(current[key]))
        ctx.addIssue({ code: "custom", path: [key], message: "set by the service; a client cannot change it" });
  });
const NEW_THREAD = { graph_id: GRAPH_ID, assistant_id: GRAPH_ID };

export const ThreadCreate = z
  .object({
    thread_id: ThreadId.optional(),
    metadata: clientMetadata(NEW_THREAD).optional(),
    if_exists: z.enum(["raise", "do_nothing"]).default("raise"),
    supersteps: refused(STATE_WRITES_REFUSED),
  })
  .strict();

/** A thread search matches metadata values one to one, as SQLite compares them: no objects or lists. */
const ThreadSearch = z.looseObject({ metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional() });

const withoutBookkeeping = (metadata: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(metadata).filter(([k]) => !(BOOKKEEPING_KEYS as readonly string[]).includes(k)));

/**
 * The embed server's validators throw (a 500) on a body that is not JSON: answer 400 first (Hono caches
 * the body, so the route still reads it); and its error answers are rewritten into ours.
 */
const platformGuard = (rt: CareRuntime): MiddlewareHandler<AppEnv> => async (c, next) => {
  // threads.copy would write checkpoints too (a second thread waiting on the same hand-off).
  if ((/^\/threads\/[^/]+\/state$/.test(c.req.path) && c.req.method !== "GET") || /^\/threads\/[^/]+\/copy$/.test(c.req.path))
    throw new HttpError(403, "forbidden", STATE_WRITES_REFUSED);
  // The embed server keeps a background run in memory, payload and all, until a client joins its stream, and
  // runs nothing before: unjoined ones pile up for good, and their contacts never happen. Not offered.
  if (/^\/threads\/[^/]+\/runs(\/[^/]+\/(stream|cancel))?$/.test(c.req.path))
    throw new HttpError(400, "invalid_request", "path: background runs are not supported here; use /threads/{thread_id}/runs/wait or /threads/{thread_id}/runs/stream");
  if (c.req.method === "POST" || c.req.method === "PATCH" || c.req.method === "PUT") {
    const text = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (text.trim() === "") throw new HttpError(400, "invalid_request", "body: expected a JSON object (send {} for none)");
      throw new HttpError(400, "invalid_json", "body: not valid JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "invalid_request", "body: expected a JSON object");
    if (c.req.path === "/threads/search") parseWith(ThreadSearch, body, "body");
    // The embed server's protocol commands (run.start, input.respond with update/goto) bypass every check
    // the run routes have: not offered, nor their event streams (each keeps a thread's buffer in memory).
    if (/^\/threads\/[^/]+\/(commands|stream\/events)$/.test(c.req.path))
      throw new HttpError(400, "invalid_request", "path: protocol commands are not supported here; use /threads/{thread_id}/runs/stream or /threads/{thread_id}/runs/wait");
    // The embed server deletes a thread-less run's thread when it ends, and an escalated contact must outlive its run.
    if (c.req.path.endsWith("/runs/stream") && !c.req.path.includes("/threads/"))
      throw new HttpError(400, "invalid_request", "path: a contact runs on a thread; create one with POST /threads, then POST /threads/{thread_id}/runs/stream");
    // The embed server's run route takes any input and command: hold it to the same rules as runs/wait.
    if (c.req.path.endsWith("/runs/stream")) {
      const run = parseWith(WaitRequest, body, "body");
      if (run.assistant_id !== GRAPH_ID) throw notFound(`assistant ${run.assistant_id}`);
      const threadId = /\/threads\/([^/]+)\/runs/.exec(c.req.path)?.[1];
      try {
        if (run.command) {
          if (threadId && ThreadId.safeParse(threadId).success) await checkResume(rt, threadId, run);
        } else if (run.input) {
          const input = await checkNewContact(rt, parseWith(CareInput, run.input, "body"));
          if (threadId) await checkThreadFree(rt.store, threadId, input.customer_id);
        } else throw new HttpError(400, "invalid_request", "body: input or command is required");
      } catch (e) {
        throw answer(e);
      }
    }
  }
  await next();
  if (c.res.status >= 400 && (c.res.headers.get("content-type") ?? "").includes("json")) {
    const sent = (await c.res.clone().json()) as { error?: unknown };
    if (typeof (sent.error as { message?: unknown } | undefined)?.message === "string" && !(sent.error as { issues?: unknown }).issues) return;
    c.res = c.json(errorBody(embedError(c.res.status as ContentfulStatusCode, sent)), c.res.status as ContentfulStatusCode);
  }
};

/**
 * A contact the API may start: its interaction id is new (one id, one contact) and no person owns the
 * conversation. runOnThread checks ownership again; this answers it as a 409 before a stream opens.
 */
async function checkNewContact(rt: CareRuntime, input: z.infer<typeof CareInput>): Promise<z.infer<typeof CareInput>> {
  const id = input.interaction_id;
  if (id && ((await rt.store.interactions.get(id)) || (await rt.store.handoffs.get(id))))
    throw new HttpError(409, "conflict", `interaction ${id} exists already: one id, one contact`);
  if ((await rt.store.ownership.get(input.customer_id)).owner === "human") throw new HttpError(409, "conflict", `a person owns the conversation with ${input.customer_id}`);
  return input;
}

/** The embed server answers errors as `{ error: "text" }` or a zod result; ours name the field. */
function embedError(status: ContentfulStatusCode, sent: { error?: unknown }): HttpError {
  const e = sent.error as { issues?: Array<{ path: Array<string | number>; message: string }>; message?: string } | string | undefined;
  if (typeof e === "string") return new HttpError(status, status === 404 ? "not_found" : "invalid_request", e);
  const issues = (e?.issues ?? []).map((i) => ({ path: [i.path].flat().join("."), message: i.message }));
  const message = issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join("; ") : (e?.message ?? "request rejected");
  return new HttpError(status, "invalid_request", message, issues.length ? issues : undefined);
}

/** A thread and its checkpoints: our row, then the checkpointer's (a thread without its row is not listed). */
async function deleteThread(rt: CareRuntime, id: string): Promise<void> {
  await rt.store.threads.delete(id);
  await rt.checkpointer.deleteThread(id);
}

function assistant(graphId: string) {
  const at = new Date(0).toISOString();
  return { assistant_id: graphId, graph_id: graphId, name: graphId, description: "One customer contact: router → responder/outreach → safety → judge → policy_update", config: {}, context: {}, metadata: { created_by: "system" }, version: 1, created_at: at, updated_at: at };
}

/**
 * The JSON schemas Studio and the SDK read (assistants.getSchemas), from the zod schemas the routes parse
 * with: what a caller may send as input and context. The state's `contact` record is the nodes' own.
 */
function schemas(graphId: string) {
  const input = z.toJSONSchema(CareInput, { io: "input" });
  const state = z.toJSONSchema(
    CareInput.extend({ contact: z.record(z.string(), z.unknown()).describe("what the nodes decided: route, decision, draft, safety verdict, score, escalation, review, outcome") }),
    { io: "output" },
  );
  return { graph_id: graphId, input_schema: input, state_schema: state, output_schema: state, context_schema: z.toJSONSchema(ApiContext, { io: "input" }), config_schema: null };
}

/**
 * The LangGraph Platform routes the official SDK uses, on our durable SqliteSaver: threads, state,
 * history and streaming runs from @langchain/langgraph-api's embed server; assistants and
 * `runs/wait`, which it lacks, here.
 */
export function platformRouter(rt: CareRuntime) {
  const embed = createEmbedServer({
    graph: { [GRAPH_ID]: bookkeptGraph(rt) },
    checkpointer: rt.checkpointer,
    threads: {
      get: async (id) => rt.store.threads.get(id) as never,
      // Clients write metadata through POST and PATCH /threads below; the embed server only names the graph
      // a run used (the guard holds it to ours).
      set: async (id) => rt.store.threads.upsert(id, "patch", NEW_THREAD) as never,
      delete: (id) => deleteThread(rt, id),
      search: async function* (o) {
        const { total, threads } = await rt.store.threads.search(o);
        for (const thread of threads) yield { thread: thread as never, total };
      },
    },
  });
  const guard = platformGuard(rt);
  const graphOf = (assistantId: string) => {
    if (assistantId !== GRAPH_ID) throw notFound(`assistant ${assistantId}`);
    return rt.graph;
  };

  return new Hono<AppEnv>()
    .post("/assistants/search", (c) => c.json([assistant(GRAPH_ID)]))
    .get("/assistants/:id", (c) => {
      graphOf(c.req.param("id"));
      return c.json(assistant(GRAPH_ID));
    })
    .get("/assistants/:id/graph", async (c) => c.json(graphOf(c.req.param("id")).getGraph().toJSON()))
    .get("/assistants/:id/schemas", (c) => {
      graphOf(c.req.param("id"));
      return c.json(schemas(GRAPH_ID));
    })
    .get("/threads/:thread_id", async (c) => {
      const id = parseWith(ThreadId, c.req.param("thread_id"), "path");
      const thread = await rt.store.threads.get(id);
      if (!thread) throw notFound(`thread ${id}`);
      return c.json(thread);
    })
    .post("/threads", async (c) => {
      const body = await readJson(c, ThreadCreate);
      const id = body.thread_id ?? randomUUID();
      // One transaction: of two creates of one id, the second finds the first.
      const created = await rt.store.transaction(async (tx) => {
        const existing = await tx.threads.get(id);
        if (existing && body.if_exists === "do_nothing") return existing;
        if (existing) throw conflict(`thread ${id} exists already`);
        return tx.threads.upsert(id, "put", body.metadata ?? {});
      });
      return c.json(created);
    })
    .patch("/threads/:thread_id", async (c) => {
      const id = parseWith(ThreadId, c.req.param("thread_id"), "path");
      const body = await readJson(c, z.object({ metadata: z.record(z.string(), z.unknown()) }).strict());
      const thread = await rt.store.threads.get(id);
      if (!thread) throw notFound(`thread ${id}`);
      const metadata = parseWith(z.object({ metadata: clientMetadata({ ...NEW_THREAD, ...thread.metadata }) }), body, "body").metadata;
      // Unchanged bookkeeping keys are not written back: a run may move them on meanwhile.
      return c.json(await rt.store.threads.upsert(id, "patch", withoutBookkeeping(metadata)));
    })
    .delete("/threads/:thread_id", async (c) => {
      const id = parseWith(ThreadId, c.req.param("thread_id"), "path");
      try {
        await checkThreadFree(rt.store, id);
      } catch (e) {
        throw answer(e);
      }
      await deleteThread(rt, id);
      return c.body(null, 204);
    })
    .post("/threads/:thread_id/runs/wait", async (c) => {
      const id = parseWith(ThreadId, c.req.param("thread_id"), "path");
      const body = await readJson(c, WaitRequest);
      graphOf(body.assistant_id);
      if (!(await rt.store.threads.get(id))) throw notFound(`thread ${id}`);
      if (!body.input && !body.command) throw new HttpError(400, "invalid_request", "body: input or command is required");
      const context = CareContext.parse(body.context ?? {});
      await rt.store.threads.upsert(id, "patch", NEW_THREAD);
      try {
        if (body.command) {
          const agent = await checkResume(rt, id, body);
          return c.json(await resumeThread(rt, id, body.command.resume, agent, c.req.raw.signal, c.get("requestId")));
        }
        const input = await checkNewContact(rt, parseWith(CareInput, body.input, "body"));
        const { state } = await runOnThread(rt, { ...input, thread_id: id, context, request_id: c.get("requestId") }, c.req.raw.signal);
        return c.json(state);
      } catch (e) {
        throw answer(e);
      }
    })
    .use("/threads/*", guard)
    .use("/threads", guard)
    .use("/runs/*", guard)
    .route("/", embed as unknown as Hono<AppEnv>);
}
