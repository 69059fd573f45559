import { createEmbedServer } from "@langchain/langgraph-api/experimental/embed";
import type { CheckpointTuple, PendingWrite } from "@langchain/langgraph-checkpoint";
import type { ThreadRecord } from "../../store/threads.js";
import type { CareRuntime } from "../care-runtime.js";
import type { ServedGraph } from "./graphs.js";

/** The thread metadata a run writes first: which graph (our routes and the graph's bookkeeping own the rest). */
export const threadOf = (graphId: string) => ({ graph_id: graphId, assistant_id: graphId });

/**
 * @langchain/langgraph-api's embedded server on our checkpointer and thread rows. The HTTP layer serves its
 * thread, state and history routes; the worker runs every LangGraph-route run through its `runs/stream`,
 * in process, so each stream mode (values, updates, messages, events, debug, …) is exactly the Platform's
 * and the care graph's bookkeeping (bookkeptGraph) wraps it. Its own run routes are never exposed: it keeps
 * runs in a per-process map and runs nothing unless a client of that process joins.
 */
export function langgraphEngine(rt: CareRuntime, graphs: ReadonlyMap<string, ServedGraph>) {
  return createEmbedServer({
    // As the embedded server types it; the conversation graph's tuple of stream transformers reads as readonly there.
    graph: Object.fromEntries([...graphs.values()].map((g) => [g.id, g.runnable])) as Parameters<typeof createEmbedServer>[0]["graph"],
    checkpointer: rt.checkpointer,
    // It sets these on the graph before each run: the runtime's own, or the graph would lose its memory.
    store: rt.memory,
    threads: {
      get: async (id) => rt.store.threads.get(id) as never,
      // Called with the run's assistant id: the thread's graph, as our routes wrote it before queuing the run.
      set: async (id, o) => rt.store.threads.upsert(id, "patch", threadOf(String(o.metadata?.graph_id))) as never,
      delete: (id) => deleteThread(rt, id),
      search: async function* (o) {
        const { total, threads } = await rt.store.threads.search(o);
        for (const thread of threads) yield { thread: thread as never, total };
      },
    },
  });
}
export type LanggraphEngine = ReturnType<typeof langgraphEngine>;

/**
 * A copy of a thread under a new id: its checkpoints (every namespace, each with its pending writes, oldest
 * first so a parent is saved before its child) through the checkpointer's own put, so it works on either
 * saver; then our row, written last (a copy without its row is not listed). BaseCheckpointSaver has no copy.
 */
export async function copyThread(rt: CareRuntime, from: string, to: string): Promise<ThreadRecord> {
  const tuples: CheckpointTuple[] = [];
  for await (const t of rt.checkpointer.list({ configurable: { thread_id: from } })) tuples.push(t);
  for (const t of tuples.reverse()) {
    const parent = t.parentConfig?.configurable?.checkpoint_id as string | undefined;
    const config = { configurable: { thread_id: to, checkpoint_ns: t.config.configurable?.checkpoint_ns ?? "", ...(parent ? { checkpoint_id: parent } : {}) } };
    const saved = await rt.checkpointer.put(config, t.checkpoint, t.metadata!, t.checkpoint.channel_versions);
    const byTask = new Map<string, PendingWrite[]>();
    for (const [task, channel, value] of t.pendingWrites ?? []) byTask.set(task, [...(byTask.get(task) ?? []), [channel, value]]);
    for (const [task, writes] of byTask) await rt.checkpointer.putWrites(saved, writes, task);
  }
  return rt.store.threads.upsert(to, "put", (await rt.store.threads.get(from))?.metadata ?? {});
}

/** A thread and its checkpoints: our row, then the checkpointer's (a thread without its row is not listed). */
export async function deleteThread(rt: CareRuntime, id: string): Promise<void> {
  await rt.store.threads.delete(id);
  await rt.checkpointer.deleteThread(id);
}
