import { isCommand } from "@langchain/langgraph";
import { CareContext } from "../agents/context.js";
import { CareInput } from "../agents/state.js";
import type { CareRuntime } from "./care-runtime.js";
import { AgentName } from "../domain/human.js";
import { beginResume, beginRun, checkClaim, failContact, failResume, finishResume, finishRun, savedRunState } from "./contacts.js";

type CareGraph = CareRuntime["graph"];
type StreamOptions = { configurable?: { thread_id?: unknown }; context?: unknown; metadata?: { agent?: unknown } } | undefined;

/**
 * The compiled graph as the LangGraph Platform routes see it. Those routes run the graph themselves
 * (`streamEvents`, or `stream` on the v3 protocol fallback), so this puts runOnThread's and resumeThread's
 * bookkeeping around each streamed run on a thread: a conversation a person owns gets no bot run, the
 * thread is marked running (crash recovery resumes it), and when the stream ends an escalation hands the
 * conversation to people. Everything else is the graph itself.
 */
export function bookkeptGraph(rt: CareRuntime): CareGraph {
  return new Proxy(rt.graph, {
    get(target, prop, receiver) {
      if (prop !== "stream" && prop !== "streamEvents") return Reflect.get(target, prop, receiver);
      return (input: unknown, given: StreamOptions, ...rest: unknown[]) => {
        const threadId = given?.configurable?.thread_id;
        // A resume runs in the context its contact started with, as on /v1, not in one the caller sends.
        const options = typeof threadId === "string" && isCommand(input) ? { ...given, context: rt.threads.get(threadId)?.metadata.context ?? {} } : given;
        const call = () => (target[prop] as (...args: unknown[]) => unknown).call(target, input, options, ...rest);
        if (typeof threadId !== "string" || input == null) return call();
        const run = startRun(rt, threadId, input, options);
        let source: unknown;
        try {
          source = call();
        } catch (e) {
          // The caller gets this error; should marking the thread fail too (the database), it stays
          // "running" and the next start resumes or fails it.
          run.fail(threadId, e).catch(() => undefined);
          throw e;
        }
        // Callers may await the call itself and fall back on a rejection (the v3 protocol does): keep a
        // promise a promise, so such errors still surface where they expect them.
        if (source instanceof Promise)
          return source.then(
            (s) => follow(s as AsyncIterable<unknown>, threadId, run),
            async (e) => {
              await run.fail(threadId, e);
              throw e;
            },
          );
        return follow(source as AsyncIterable<unknown>, threadId, run);
      };
    },
  });
}

/** Checks and marks a run before the graph starts; returns what to do once its stream has ended. */
function startRun(rt: CareRuntime, threadId: string, input: unknown, options: StreamOptions): Finisher {
  if (isCommand(input)) {
    // As on /v1, only the agent holding the hand-off's claim answers it; the run's metadata names them.
    const agent = AgentName.parse(options?.metadata?.agent);
    checkClaim(rt, threadId, agent);
    const release = beginResume(rt, threadId, agent);
    return {
      finish: async (id) => {
        try {
          finishResume(rt, id, (await savedRunState(rt, id)).state, agent);
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
  beginRun(rt, threadId, customer_id, CareContext.parse(options?.context ?? {}));
  return {
    finish: async (id) => void finishRun(rt, id, customer_id, (await savedRunState(rt, id)).state),
    fail: async (id, e) => failContact(rt, id, customer_id, e),
  };
}

/** What to do once a streamed run's stream has ended, or failed (or been dropped by its reader). */
interface Finisher {
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
