import { createEmbedServer } from "@langchain/langgraph-api/experimental/embed";
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
    graph: Object.fromEntries([...graphs.values()].map((g) => [g.id, g.runnable])),
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

/** A thread and its checkpoints: our row, then the checkpointer's (a thread without its row is not listed). */
export async function deleteThread(rt: CareRuntime, id: string): Promise<void> {
  await rt.store.threads.delete(id);
  await rt.checkpointer.deleteThread(id);
}
