import { randomUUID } from "node:crypto";
import type { MultitaskStrategy, Repos, RunRecord } from "../../store/ports.js";
import { CARE_GRAPH_ID } from "./graphs.js";
import { RunKwargs } from "./kwargs.js";

/** `multitask_strategy: "reject"` met a thread with a run open. */
export class ThreadBusyError extends Error {
  override readonly name = "ThreadBusyError";
  constructor(readonly open: RunRecord) {
    super(`thread ${open.thread_id} has a run in progress (${open.run_id}); multitask_strategy "enqueue" waits for it`);
  }
}

/**
 * Queues one run: the only way any graph run starts. Call it in the transaction that writes what the run
 * depends on (the inbound message, the thread's metadata), so both commit or neither does.
 */
export async function submitRun(
  repos: Repos,
  r: { thread_id: string; assistant_id?: string; kwargs: RunKwargs; multitask_strategy: MultitaskStrategy; metadata?: Record<string, unknown>; run_id?: string },
): Promise<RunRecord> {
  const queued = await repos.runs.enqueue({
    run_id: r.run_id ?? randomUUID(),
    thread_id: r.thread_id,
    // Contacts and a person's answers (/v1, channels) are the care graph's runs.
    assistant_id: r.assistant_id ?? CARE_GRAPH_ID,
    multitask_strategy: r.multitask_strategy,
    kwargs: RunKwargs.parse(r.kwargs) as Record<string, unknown>,
    metadata: r.metadata ?? {},
  });
  if ("busy" in queued) throw new ThreadBusyError(queued.busy);
  return queued.run;
}

/** A run as the LangGraph SDK reads it (its `Run`): what the queue keeps, without the executor's kwargs. */
export function runView(r: RunRecord) {
  return {
    run_id: r.run_id,
    thread_id: r.thread_id,
    // Contacts and a person's answers (/v1, channels) are the care graph's runs.
    assistant_id: r.assistant_id ?? CARE_GRAPH_ID,
    created_at: r.created_at,
    updated_at: r.updated_at,
    status: r.status,
    metadata: r.metadata,
    multitask_strategy: r.multitask_strategy,
    ...(r.cancel_reason ? { cancel_reason: r.cancel_reason } : {}),
  };
}
