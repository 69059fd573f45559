import { isCommand } from "@langchain/langgraph";
import { CareContext } from "../agents/context.js";
import { CareInput } from "../agents/state.js";
import type { CareRuntime } from "./care-runtime.js";
import { AgentName } from "../domain/human.js";
import { beginResume, beginRun, checkClaim, failContact, failResume, finishResume, finishRun, savedRunState } from "./contacts.js";

type CareGraph = CareRuntime["graph"];
export type StreamOptions = { configurable?: { thread_id?: unknown }; context?: unknown; metadata?: { agent?: unknown; run_id?: unknown } } | undefined;

/**
 * The compiled graph as the LangGraph Platform routes see it. Those routes run the graph themselves
 * (`streamEvents`, or `stream` on the v3 protocol fallback), so this puts runOnThread's and resolveHandoff's
 * bookkeeping around each streamed run on a thread: a conversation a person owns gets no bot run, the
 * thread is marked running (crash recovery resumes it), and when the stream ends an escalation hands the
 * conversation to people. Everything else is the graph itself.
 */
export function bookkeptGraph(rt: CareRuntime): CareGraph {
  return withBookkeeping(rt.graph, (threadId, input, options) => startRun(rt, threadId, input, options), async (threadId, input, given) =>
    // A resume runs in the context its contact started with, as on /v1, not in one the caller sends.
    isCommand(input) ? { ...given, context: (await rt.store.threads.get(threadId))?.metadata.context ?? {} } : given,
  );
}

/**
 * `graph` with `start` called before each streamed run on a thread (its checks and marks; it may refuse) and
 * what it returns called when the stream ends or fails. `options` may rewrite the run's options first.
 */
export function withBookkeeping<G extends object>(
  graph: G,
  start: (threadId: string, input: unknown, options: StreamOptions) => Promise<Finisher>,
  options: (threadId: string, input: unknown, given: StreamOptions) => Promise<StreamOptions> = async (_t, _i, given) => given,
): G {
  return new Proxy(graph, {
    get(target, prop, receiver) {
      if (prop !== "stream" && prop !== "streamEvents") return Reflect.get(target, prop, receiver);
      return (input: unknown, given: StreamOptions, ...rest: unknown[]) => {
        const threadId = given?.configurable?.thread_id;
        const call = (o: StreamOptions) => ((target as Record<PropertyKey, unknown>)[prop] as (...args: unknown[]) => unknown).call(target, input, o, ...rest);
        if (typeof threadId !== "string") return call(given);
        // The bookkeeping reads and writes the store first, so the stream opens once it is done.
        const open = async (): Promise<AsyncIterable<unknown>> => {
          const o = await options(threadId, input, given);
          if (input == null) return (await call(o)) as AsyncIterable<unknown>;
          const run = await start(threadId, input, o);
          let source: AsyncIterable<unknown>;
          try {
            source = (await call(o)) as AsyncIterable<unknown>;
          } catch (e) {
            // The caller gets this error; should marking the thread fail too (the database), it stays
            // "running" and the next start resumes or fails it.
            await run.fail(threadId, e).catch(() => undefined);
            throw e;
          }
          return follow(source, threadId, run);
        };
        // `stream` answers a promise, and callers may await it and fall back on a rejection (the v3 protocol
        // does): keep it a promise. `streamEvents` answers the stream itself.
        if (prop === "stream") return open();
        return (async function* () {
          yield* await open();
        })();
      };
    },
  });
}

/** Checks and marks a run before the graph starts; returns what to do once its stream has ended. */
async function startRun(rt: CareRuntime, threadId: string, input: unknown, options: StreamOptions): Promise<Finisher> {
  // The queued run's id (executeRun puts it in the run's metadata), for that run executed again (finishedRun).
  const runId = typeof options?.metadata?.run_id === "string" ? options.metadata.run_id : undefined;
  if (isCommand(input)) {
    // As on /v1, only the agent holding the hand-off's claim answers it; the run's metadata names them.
    const agent = AgentName.parse(options?.metadata?.agent);
    await checkClaim(rt.store, threadId, agent);
    const release = await beginResume(rt, threadId, agent, (tx) => checkClaim(tx, threadId, agent), runId);
    return {
      finish: async (id) => {
        try {
          await finishResume(rt, id, (await savedRunState(rt, id)).state, agent);
        } finally {
          release();
        }
      },
      fail: async (id, e) => {
        try {
          await failResume(rt, id, e);
        } finally {
          release();
        }
      },
    };
  }
  // The platform guard has validated the input already; parsing again keeps this safe on its own.
  const { customer_id } = CareInput.parse(input);
  await beginRun(rt, threadId, customer_id, CareContext.parse(options?.context ?? {}), runId);
  return {
    finish: async (id) => void (await finishRun(rt, id, customer_id, (await savedRunState(rt, id)).state)),
    fail: async (id, e) => failContact(rt, id, customer_id, e),
  };
}

/** What to do once a streamed run's stream has ended, or failed (or been dropped by its reader). */
export interface Finisher {
  finish(threadId: string): Promise<void>;
  fail(threadId: string, e: unknown): Promise<void>;
}

async function* follow<T>(source: AsyncIterable<T>, threadId: string, run: Finisher) {
  let settled = false;
  try {
    yield* source;
    settled = true;
    await run.finish(threadId);
  } catch (e) {
    if (!settled) await run.fail(threadId, e);
    settled = true;
    throw e;
  } finally {
    // The consumer stopped reading (a client that went away): as with an aborted invoke, nobody gets this reply.
    if (!settled) await run.fail(threadId, "abandoned: the stream was not read to its end");
  }
}
