import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { CareInput } from "../../agents/state.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import { checkThreadFree } from "../../app/contacts.js";
import { answerQueued } from "../../app/handoff-actions.js";
import { threadOf } from "../../app/runs/engine.js";
import { runView, submitRun, ThreadBusyError } from "../../app/runs/submit.js";
import type { RunService } from "../../app/runs/service.js";
import { RUN_STATUSES, type RunRecord } from "../../store/ports.js";
import type { AppEnv } from "../env.js";
import { apiKeyOf } from "../helper/agent.js";
import { conflict, HttpError, notFound, parseWith, queryInt, readJson, readQuery } from "../helper/http.js";
import { endError } from "../helper/run-end.js";
import { CONVERSATION_GRAPH_ID } from "../../app/runs/graphs.js";
import { answer, checkChatRun, checkNewContact, checkResume, runContext, ThreadId, WaitRequest } from "./platform-rules.js";

const STREAM_MODES = ["values", "messages", "messages-tuple", "updates", "events", "debug", "tasks", "checkpoints", "custom"] as const;

/** A run request of the LangGraph routes: runs/wait's, plus what a streamed or background run adds. */
export const RunCreate = WaitRequest.extend({
  stream_mode: z.union([z.enum(STREAM_MODES), z.array(z.enum(STREAM_MODES))]).optional(),
  stream_subgraphs: z.boolean().optional(),
  stream_resumable: z.boolean().optional(),
  // As the Platform: a second run on a busy thread is refused unless the caller asks to wait (or to stop the first).
  multitask_strategy: z.enum(["reject", "enqueue", "interrupt", "rollback"]).default("reject"),
  on_disconnect: z.enum(["cancel", "continue"]).default("continue"),
  if_not_exists: z.enum(["create", "reject"]).default("reject"),
  on_completion: z.enum(["delete", "keep"]).optional(),
  durability: z.enum(["sync", "async", "exit"]).optional(),
  webhook: z.never({ error: "webhooks are not offered: join the run or poll it" }).optional(),
  after_seconds: z.never({ error: "delayed runs are not offered" }).optional(),
});
type RunCreate = z.infer<typeof RunCreate>;

const RunListQuery = z.object({ limit: queryInt(1, 1000, 10), offset: queryInt(0, 1_000_000, 0), status: z.enum(RUN_STATUSES).optional(), select: z.string().optional() }).strict();
const CancelQuery = z.object({ wait: z.enum(["0", "1", "true", "false"]).default("0"), action: z.enum(["interrupt", "rollback"]).default("interrupt"), reason: z.string().max(200).optional() });

/**
 * The LangGraph SDK's runs API on the durable queue: every run (background, waited for, streamed; on a
 * thread or stateless) is queued and executed by a worker of any process, and read back from the queue
 * and its `run_events`, so a run started on one replica is joined or streamed from another.
 */
export function platformRunsRouter(rt: CareRuntime, { graphs, watcher }: Pick<RunService, "graphs" | "watcher">) {
  /** The checks a run passes before it is queued (each a 4xx), then the run, queued with the thread's bookkeeping. */
  async function create(c: Context<AppEnv>, threadId: string, body: RunCreate, stateless: boolean): Promise<RunRecord> {
    if (!graphs.has(body.assistant_id)) throw notFound(`assistant ${body.assistant_id}`);
    if (!body.input && !body.command) throw new HttpError(400, "invalid_request", "body: input or command is required");
    const context = runContext(body.assistant_id, body.context);
    if (body.multitask_strategy === "rollback") throw new HttpError(400, "invalid_request", "body.multitask_strategy: rollback would erase a contact the policy has learned from; use reject, enqueue or interrupt");
    if (!stateless && !(await rt.store.threads.get(threadId))) {
      if (body.if_not_exists !== "create") throw notFound(`thread ${threadId}`);
    }
    // The agent a resume answers for (checkResume: a registered agent holding the claim).
    let agent: string | undefined;
    try {
      if (body.assistant_id === CONVERSATION_GRAPH_ID) agent = await checkChatRun(rt, threadId, body);
      else if (body.command) agent = await checkResume(rt, threadId, body);
      else {
        const input = await checkNewContact(rt, parseWith(CareInput, body.input, "body"));
        if (body.multitask_strategy === "reject") await checkThreadFree(rt.store, threadId, input.customer_id);
      }
    } catch (e) {
      throw answer(e);
    }
    const { on_disconnect: _d, if_not_exists: _i, on_completion: _o, multitask_strategy, ...rest } = body;
    const request = { ...rest, context };
    // A command runs instead of any input (as the embedded server does): an input sent along is unchecked, so not kept.
    const payload = request.command ? { ...request, input: undefined } : request;
    try {
      return await rt.store.transaction(async (tx) => {
        await tx.threads.upsert(threadId, "patch", threadOf(body.assistant_id));
        if (multitask_strategy === "interrupt") for (const open of await tx.runs.open(threadId)) await tx.runs.cancel(threadId, open.run_id, "interrupted by a newer run");
        const run = await submitRun(tx, {
          thread_id: threadId,
          assistant_id: body.assistant_id,
          multitask_strategy,
          metadata: body.metadata ?? {},
          kwargs: { kind: "platform", payload: payload as Record<string, unknown>, request_id: c.get("requestId") },
        });
        const h = agent === undefined ? undefined : await tx.handoffs.onThread(threadId);
        if (h) await answerQueued(tx, h.customer_id, h.interaction_id, agent!, run.run_id, apiKeyOf(c));
        return run;
      });
    } catch (e) {
      if (e instanceof ThreadBusyError) throw conflict(e.message);
      throw e;
    }
  }

  const located = (c: Context<AppEnv>, run: RunRecord) => c.header("Content-Location", `/threads/${run.thread_id}/runs/${run.run_id}`);

  /** The run's output once it ends, as runs.join and runs.wait answer it. */
  async function output(c: Context<AppEnv>, run: RunRecord) {
    const end = await watcher.end(run.run_id, c.req.raw.signal);
    if (!end) throw new HttpError(503, "abandoned", "the client left before the run ended; it goes on");
    if (end.status === "success") return c.json(end.output ?? {});
    // The rules' refusals keep their status (409 a completed thread, …); any other failure is answered as the
    // Platform does, the thread's values with `__error__`.
    const refused = endError(end);
    if (refused.status < 500 || end.output === undefined) throw refused;
    return c.json({ ...(end.output as object), __error__: end.error });
  }

  /** The run's events from `after` on, as server-sent events with their seq as id (Last-Event-ID resumes). */
  function stream(c: Context<AppEnv>, run: RunRecord, after: number, cancelOnDisconnect: boolean) {
    return streamSSE(c, async (sse) => {
      const left = new AbortController();
      sse.onAbort(() => {
        left.abort();
        if (cancelOnDisconnect) void rt.store.runs.cancel(run.thread_id, run.run_id, "the client disconnected");
      });
      for await (const e of watcher.events(run.run_id, after, left.signal)) await sse.writeSSE({ id: String(e.seq), event: e.event, data: JSON.stringify(e.data) });
    });
  }

  async function ownRun(threadIdText: string, runIdText: string): Promise<RunRecord> {
    const threadId = parseWith(ThreadId, threadIdText, "path");
    const runId = parseWith(z.string().uuid(), runIdText, "path");
    const run = await rt.store.runs.get(runId);
    if (!run || run.thread_id !== threadId) throw notFound(`run ${runId}`);
    return run;
  }

  const threadIdOf = (c: Context<AppEnv>) => parseWith(ThreadId, c.req.param("thread_id"), "path");

  return new Hono<AppEnv>()
    .post("/threads/:thread_id/runs", async (c) => {
      const run = await create(c, threadIdOf(c), await readJson(c, RunCreate), false);
      located(c, run);
      return c.json(runView(run));
    })
    .post("/threads/:thread_id/runs/wait", async (c) => {
      const run = await create(c, threadIdOf(c), await readJson(c, RunCreate), false);
      located(c, run);
      return output(c, run);
    })
    .post("/threads/:thread_id/runs/stream", async (c) => {
      const body = await readJson(c, RunCreate);
      const run = await create(c, threadIdOf(c), body, false);
      located(c, run);
      return stream(c, run, 0, body.on_disconnect === "cancel");
    })
    // Stateless runs: a new thread of their own, kept (an escalated contact outlives its run; on_completion is not honoured).
    .post("/runs", async (c) => {
      const run = await create(c, randomUUID(), await readJson(c, RunCreate), true);
      located(c, run);
      return c.json(runView(run));
    })
    .post("/runs/wait", async (c) => {
      const run = await create(c, randomUUID(), await readJson(c, RunCreate), true);
      located(c, run);
      return output(c, run);
    })
    .post("/runs/stream", async (c) => {
      const body = await readJson(c, RunCreate);
      const run = await create(c, randomUUID(), body, true);
      located(c, run);
      return stream(c, run, 0, body.on_disconnect === "cancel");
    })
    .get("/threads/:thread_id/runs", async (c) => {
      const id = threadIdOf(c);
      const q = readQuery(c, RunListQuery);
      if (!(await rt.store.threads.get(id))) throw notFound(`thread ${id}`);
      return c.json((await rt.store.runs.list(id, q)).map(runView));
    })
    .get("/threads/:thread_id/runs/:run_id", async (c) => c.json(runView(await ownRun(c.req.param("thread_id"), c.req.param("run_id")))))
    .get("/threads/:thread_id/runs/:run_id/join", async (c) => output(c, await ownRun(c.req.param("thread_id"), c.req.param("run_id"))))
    .get("/threads/:thread_id/runs/:run_id/stream", async (c) => {
      const run = await ownRun(c.req.param("thread_id"), c.req.param("run_id"));
      const after = parseWith(z.coerce.number().int().min(0).default(0), c.req.header("last-event-id") || undefined, "query");
      const cancel = ["1", "true"].includes(c.req.query("cancel_on_disconnect") ?? "");
      return stream(c, run, after, cancel);
    })
    .post("/threads/:thread_id/runs/:run_id/cancel", async (c) => {
      const run = await ownRun(c.req.param("thread_id"), c.req.param("run_id"));
      const q = readQuery(c, CancelQuery);
      if (q.action === "rollback") throw new HttpError(400, "invalid_request", "query.action: rollback would erase a contact the policy has learned from; use interrupt");
      await rt.store.runs.cancel(run.thread_id, run.run_id, q.reason ?? "cancelled through the API");
      if (q.wait === "1" || q.wait === "true") {
        await watcher.end(run.run_id, c.req.raw.signal);
        return c.body(null, 204);
      }
      return c.body(null, 202);
    });
}
