import { randomUUID } from "node:crypto";
import { Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { checkThreadFree } from "../../app/contacts.js";
import { copyThread, deleteThread, threadOf } from "../../app/runs/engine.js";
import { CARE_GRAPH_ID, type ServedGraph } from "../../app/runs/graphs.js";
import type { RunService } from "../../app/runs/service.js";
import { BOOKKEEPING_KEYS } from "../../store/threads.js";
import type { AppEnv } from "../env.js";
import { conflict, errorBody, HttpError, notFound, parseWith, readJson } from "../helper/http.js";
import { platformRunsRouter } from "./platform-runs.js";
import { answer, refused, ThreadId } from "./platform-rules.js";

/** Anything but the graph writing a thread's state would bypass its rules (a made-up judge score learned by the policy). */
const STATE_WRITES_REFUSED =
  "a care thread's state is written only by its graph: a person answers a hand-off with POST /v1/handoffs/{id}/claim and /resolve, or resumes the thread with command.resume and metadata.agent naming the claimant";
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

/** A thread created without a run belongs to the care graph until a run names another. */
const NEW_THREAD = threadOf(CARE_GRAPH_ID);

export const ThreadCreate = z
  .object({
    thread_id: ThreadId.optional(),
    metadata: clientMetadata(NEW_THREAD).optional(),
    if_exists: z.enum(["raise", "do_nothing"]).default("raise"),
    supersteps: refused(STATE_WRITES_REFUSED),
  })
  .strict();

const withoutBookkeeping = (metadata: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(metadata).filter(([k]) => !(BOOKKEEPING_KEYS as readonly string[]).includes(k)));

/**
 * The embed server's validators throw (a 500) on a body that is not JSON: answer 400 first (Hono caches
 * the body, so the route still reads it); and its error answers are rewritten into ours.
 */
const platformGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (/^\/threads\/[^/]+\/state$/.test(c.req.path) && c.req.method !== "GET") throw new HttpError(403, "forbidden", STATE_WRITES_REFUSED);
  // The embed server's protocol commands (run.start, input.respond with update/goto) bypass every check the
  // run routes have: not offered, nor their event streams (each keeps a thread's buffer in memory).
  if (/^\/threads\/[^/]+\/(commands|stream\/events)$/.test(c.req.path))
    throw new HttpError(400, "invalid_request", "path: protocol commands are not supported here; use /threads/{thread_id}/runs/stream or /threads/{thread_id}/runs/wait");
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
  }
  await next();
  if (c.res.status >= 400 && (c.res.headers.get("content-type") ?? "").includes("json")) {
    const sent = (await c.res.clone().json()) as { error?: unknown };
    if (typeof (sent.error as { message?: unknown } | undefined)?.message === "string" && !(sent.error as { issues?: unknown }).issues) return;
    c.res = c.json(errorBody(embedError(c.res.status as ContentfulStatusCode, sent)), c.res.status as ContentfulStatusCode);
  }
};

/** The embed server answers errors as `{ error: "text" }` or a zod result; ours name the field. */
function embedError(status: ContentfulStatusCode, sent: { error?: unknown }): HttpError {
  const e = sent.error as { issues?: Array<{ path: Array<string | number>; message: string }>; message?: string } | string | undefined;
  if (typeof e === "string") return new HttpError(status, status === 404 ? "not_found" : "invalid_request", e);
  const issues = (e?.issues ?? []).map((i) => ({ path: [i.path].flat().join("."), message: i.message }));
  const message = issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join("; ") : (e?.message ?? "request rejected");
  return new HttpError(status, "invalid_request", message, issues.length ? issues : undefined);
}

/** A graph as the SDK's assistants API shows it: one assistant per graph, its id the graph's. */
function assistant(g: ServedGraph) {
  const at = new Date(0).toISOString();
  return { assistant_id: g.id, graph_id: g.id, name: g.id, description: g.description, config: {}, context: {}, metadata: { created_by: "system" }, version: 1, created_at: at, updated_at: at };
}

/** A thread search: the SDK's filters (metadata values one to one, as SQLite compares them; ids; status). */
const ThreadSearch = z.object({
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  ids: z.array(ThreadId).max(1000).optional(),
  status: z.enum(["idle", "busy", "interrupted", "error"]).optional(),
  limit: z.number().int().min(1).max(1000).default(10),
  offset: z.number().int().min(0).default(0),
  sort_by: z.enum(["created_at", "updated_at", "thread_id", "status"]).default("created_at"),
  sort_order: z.enum(["asc", "desc"]).default("desc"),
  select: z.array(z.string()).optional(),
  values: refused("searching by state values is not offered"),
  extract: refused("extracting state values is not offered"),
});

/**
 * The LangGraph Platform routes the official SDK uses: threads, state and history from
 * @langchain/langgraph-api's embedded server on our checkpointer; assistants, thread search and the
 * whole runs API (platform-runs.ts, on the durable queue) here.
 */
export function platformRouter(rt: CareRuntime, runs: Pick<RunService, "graphs" | "engine" | "watcher">) {
  const graphOf = (assistantId: string) => {
    const g = runs.graphs.get(assistantId);
    if (!g) throw notFound(`assistant ${assistantId}`);
    return g;
  };

  return new Hono<AppEnv>()
    .post("/assistants/search", (c) => c.json([...runs.graphs.values()].map(assistant)))
    .get("/assistants/:id", (c) => c.json(assistant(graphOf(c.req.param("id")))))
    .get("/assistants/:id/graph", async (c) => c.json(graphOf(c.req.param("id")).graph.getGraph().toJSON()))
    .get("/assistants/:id/schemas", (c) => {
      const g = graphOf(c.req.param("id"));
      return c.json({ graph_id: g.id, ...g.schemas() });
    })
    .post("/threads/search", async (c) => {
      const q = await readJson(c, ThreadSearch);
      // Status is derived from the runs; it sorts as created_at does.
      const sortBy = q.sort_by === "updated_at" ? "updated_at" : "created_at";
      const { total, threads } = await rt.store.threads.search({ metadata: q.metadata, ids: q.ids, status: q.status, limit: q.limit, offset: q.offset, sortBy, sortOrder: q.sort_order });
      c.header("X-Pagination-Total", String(total));
      return c.json(threads);
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
      if ((await rt.store.runs.open(id)).length) throw conflict(`thread ${id} has a run queued or in progress`);
      await deleteThread(rt, id);
      return c.body(null, 204);
    })
    // A copy of a thread at rest: one waiting for a person would be a second thread on the same hand-off.
    .post("/threads/:thread_id/copy", async (c) => {
      const id = parseWith(ThreadId, c.req.param("thread_id"), "path");
      if (!(await rt.store.threads.get(id))) throw notFound(`thread ${id}`);
      try {
        await checkThreadFree(rt.store, id);
      } catch (e) {
        throw answer(e);
      }
      if ((await rt.store.runs.open(id)).length) throw conflict(`thread ${id} has a run queued or in progress`);
      return c.json(await copyThread(rt, id, randomUUID()));
    })
    .route("/", platformRunsRouter(rt, runs))
    .use("/threads/*", platformGuard)
    .use("/threads", platformGuard)
    .route("/", runs.engine as unknown as Hono<AppEnv>);
}
