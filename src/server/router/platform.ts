import { createEmbedServer } from "@langchain/langgraph-api/experimental/embed";
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { CareContext } from "../../agents/context.js";
import { CareInput } from "../../agents/state.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import { bookkeptGraph } from "../../app/streamed-runs.js";
import { ConversationOwnedError, ResumeInProgressError, resumeThread, runOnThread } from "../../app/contacts.js";
import type { AppEnv } from "../env.js";
import { applyResponse } from "../../agents/human-review.js";
import { HumanInterrupt, HumanResume } from "../../domain/human.js";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorBody, HttpError, invalid, notFound, parseWith, readJson } from "../helper/http.js";

export const GRAPH_ID = "care";

const ThreadId = z.string().uuid();
export const WaitRequest = z.object({
  assistant_id: z.string().min(1),
  input: z.record(z.string(), z.unknown()).nullish(),
  // Only resume: update/goto would let a client write any state (a made-up score straight into policy_update).
  command: z.object({ resume: z.unknown() }).strict().nullish(),
  context: z.record(z.string(), z.unknown()).nullish(),
  config: z.object({ configurable: z.record(z.string(), z.unknown()).optional() }).passthrough().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** Reject a resume the waiting hand-off cannot take before it reaches the graph (see applyResponse). */
async function checkResume(graph: CareRuntime["graph"], threadId: string, resume: unknown) {
  const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
  const pending = snapshot.tasks.flatMap((t) => t.interrupts ?? [])[0];
  if (!pending) throw new HttpError(409, "conflict", `thread ${threadId} is not waiting for a person`);
  const request = z.array(HumanInterrupt).min(1).safeParse(pending.value);
  const response = HumanResume.safeParse(resume);
  if (!response.success) throw invalid(response.error, "body.command.resume");
  if (request.success) applyResponse(response.data, request.data[0]!, (request.data[0]!.action_request.args.message as string) || null);
}

/**
 * The embed server's validators throw (a 500) on a body that is not JSON: answer 400 first (Hono caches
 * the body, so the route still reads it); and its error answers are rewritten into ours.
 */
const platformGuard = (rt: CareRuntime): MiddlewareHandler<AppEnv> => async (c, next) => {
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
    // The embed server's protocol commands (run.start, input.respond with update/goto) bypass every check
    // the run routes have: not offered.
    if (/^\/threads\/[^/]+\/commands$/.test(c.req.path))
      throw new HttpError(400, "invalid_request", "path: protocol commands are not supported here; use /threads/{thread_id}/runs/stream or /threads/{thread_id}/runs/wait");
    // The embed server deletes a thread-less run's thread when it ends, and an escalated contact must outlive its run.
    if (c.req.path.endsWith("/runs/stream") && !c.req.path.includes("/threads/"))
      throw new HttpError(400, "invalid_request", "path: a contact runs on a thread; create one with POST /threads, then POST /threads/{thread_id}/runs/stream");
    // The embed server's run routes take any input and command: hold them to the same rules as runs/wait.
    if (/\/runs(\/stream)?$/.test(c.req.path)) {
      const run = body as { input?: unknown; command?: unknown };
      const threadId = /\/threads\/([^/]+)\/runs/.exec(c.req.path)?.[1];
      if (run.command != null) {
        const { resume } = parseWith(z.object({ resume: z.unknown() }).strict(), run.command, "body");
        if (threadId && ThreadId.safeParse(threadId).success) await checkResume(rt.graph, threadId, resume);
      } else if (run.input != null) checkNewContact(rt, parseWith(CareInput, run.input, "body"));
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
function checkNewContact(rt: CareRuntime, input: z.infer<typeof CareInput>): z.infer<typeof CareInput> {
  if (input.interaction_id && (rt.deps.interactions.get(input.interaction_id) || rt.deps.handoffs.get(input.interaction_id)))
    throw new HttpError(409, "conflict", `interaction ${input.interaction_id} exists already: one id, one contact`);
  if (rt.ownership.get(input.customer_id).owner === "human") throw new HttpError(409, "conflict", `a person owns the conversation with ${input.customer_id}`);
  return input;
}

/** The embed server answers errors as `{ error: "text" }` or a zod result; ours name the field. */
function embedError(status: ContentfulStatusCode, sent: { error?: unknown }): HttpError {
  const e = sent.error as { issues?: Array<{ path: Array<string | number>; message: string }>; message?: string } | string | undefined;
  if (typeof e === "string") return new HttpError(status, status === 404 ? "not_found" : "invalid_request", e);
  const issues = (e?.issues ?? []).map((i) => ({ path: i.path.join("."), message: i.message }));
  const message = issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join("; ") : (e?.message ?? "request rejected");
  return new HttpError(status, "invalid_request", message, issues.length ? issues : undefined);
}

function assistant(graphId: string) {
  const at = new Date(0).toISOString();
  return { assistant_id: graphId, graph_id: graphId, name: graphId, description: "One customer contact: router → responder/outreach → safety → judge → policy_update", config: {}, context: {}, metadata: { created_by: "system" }, version: 1, created_at: at, updated_at: at };
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
      get: async (id) => rt.threads.get(id) as never,
      set: async (id, { kind, metadata }) => rt.threads.upsert(id, kind, metadata ?? {}) as never,
      delete: async (id) => rt.threads.delete(id),
      search: async function* (o) {
        const { total, threads } = rt.threads.search(o);
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
    .get("/threads/:thread_id", (c) => {
      const id = parseWith(ThreadId, c.req.param("thread_id"), "path");
      const thread = rt.threads.get(id);
      if (!thread) throw notFound(`thread ${id}`);
      return c.json(thread);
    })
    .post("/threads/:thread_id/runs/wait", async (c) => {
      const id = parseWith(ThreadId, c.req.param("thread_id"), "path");
      const body = await readJson(c, WaitRequest);
      const graph = graphOf(body.assistant_id);
      if (!rt.threads.get(id)) throw notFound(`thread ${id}`);
      if (!body.input && !body.command) throw new HttpError(400, "invalid_request", "body: input or command is required");
      const context = parseWith(CareContext, body.context ?? {}, "body");
      rt.threads.upsert(id, "patch", { graph_id: GRAPH_ID, assistant_id: GRAPH_ID });
      if (body.command) {
        await checkResume(graph, id, body.command.resume);
        try {
          return c.json(await resumeThread(rt, id, body.command.resume, c.get("apiKey") ?? "api", c.req.raw.signal, c.get("requestId")));
        } catch (e) {
          if (e instanceof ResumeInProgressError) throw new HttpError(409, "conflict", e.message);
          throw e;
        }
      }
      const input = checkNewContact(rt, parseWith(CareInput, body.input, "body"));
      try {
        const { state } = await runOnThread(rt, { ...input, thread_id: id, context, request_id: c.get("requestId") }, c.req.raw.signal);
        return c.json(state);
      } catch (e) {
        if (e instanceof ConversationOwnedError) throw new HttpError(409, "conflict", e.message);
        throw e;
      }
    })
    .use("/threads/*", guard)
    .use("/threads", guard)
    .use("/runs/*", guard)
    .route("/", embed as unknown as Hono<AppEnv>);
}
