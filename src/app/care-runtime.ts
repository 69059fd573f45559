import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph";
import { compileCareGraph } from "../../graphs/care.js";
import { createConversationBuilder } from "../../graphs/conversation.js";
import { createConversationDeps, type CareLink, type ConversationDeps } from "../agents/conversation/deps.js";
import { trainIntentClassifier } from "../agents/conversation/intents.js";
import { loadToolData } from "../tools/index.js";
import { CareContext } from "../agents/context.js";
import { createCareDeps, type CareDeps, type CareDepsOptions } from "../agents/deps.js";
import type { CareStateType } from "../agents/state.js";
import type { ContactInput, ContactResult, ContactRun } from "../sim/experiment.js";
import type { EnvironmentSpec } from "../domain/environment.js";
import { loadEnvironment } from "../store/assets.js";
import type { Store } from "../store/ports.js";
import { openSqlite } from "../store/sqlite/open.js";
import { careLink } from "./care-decision.js";
import { liveFeed, type LiveFeed } from "./live-feed.js";

export type Durability = "sync" | "async" | "exit";

/** Where the product keeps its tables and checkpoints: the SQLite file, or PostgreSQL (`schema`, default public). */
export type Database = { dbPath: string } | { postgres: string; schema?: string };

/** The care graph on the product's store, checkpointed on the same database (SQLite connection or PostgreSQL pool). */
export interface CareRuntime {
  store: Store;
  deps: CareDeps;
  graph: ReturnType<typeof compileCareGraph>;
  /** The conversation graph on the same checkpointer and memory (its offline models trained on first use). */
  conversation: ConversationGraph;
  checkpointer: BaseCheckpointSaver;
  /** LangGraph's long-term memory (customer profiles) on the same database; the graph is compiled with it. */
  memory: BaseStore;
  /** The simulated world the offline judge draws from (and experiments measure regret against). */
  environment: EnvironmentSpec;
  /** The console's and the web chat's live updates: the store's change signals, heard once for every client. */
  live: LiveFeed;
  /** Threads being resumed by this runtime: a double submit must not resume one twice (nor send its answer twice). */
  resuming: Set<string>;
  /** Runs `fn` when the runtime closes, before its store does (a worker stops taking runs first). */
  beforeClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

export type ConversationGraph = ReturnType<ReturnType<typeof createConversationBuilder>["compile"]>;

// Trained and loaded once per process, shared by every runtime: the classifier and the tools' data are read-only.
let shared: Pick<ConversationDeps, "tools" | "classifier"> | undefined;

/**
 * Made on first use (a runtime that never chats trains nothing), with the desk on this runtime's store and a
 * known customer's complaints decided by this runtime's care graph.
 */
function conversationGraph(store: Store, checkpointer: BaseCheckpointSaver, memory: BaseStore, o: Pick<CareDepsOptions, "models" | "observer"> & { care: CareLink }): ConversationGraph {
  let deps: ConversationDeps | undefined;
  const depsOf = () => {
    if (!deps) {
      shared ??= { tools: loadToolData(), classifier: trainIntentClassifier() };
      deps = createConversationDeps({ ...shared, store, models: o.models, observer: o.observer, care: o.care });
    }
    return deps;
  };
  return createConversationBuilder(depsOf).compile({ checkpointer, store: memory, name: "conversation" });
}

async function openDatabase(d: Database): Promise<{ store: Store; checkpointer: BaseCheckpointSaver; memory: BaseStore }> {
  if ("dbPath" in d) return openSqlite(d.dbPath);
  // Loaded only when asked for: the SQLite quick start needs no PostgreSQL driver.
  const { openPostgres } = await import("../store/postgres/open.js");
  return openPostgres({ url: d.postgres, schema: d.schema });
}

export async function openCareRuntime(o: Omit<CareDepsOptions, "store"> & Database): Promise<CareRuntime> {
  const { store, checkpointer, memory } = await openDatabase(o);
  try {
    const environment = o.environment ?? loadEnvironment();
    const deps = createCareDeps({ ...o, environment, store });
    const graph = compileCareGraph(deps, checkpointer, memory);
    const closing: Array<() => Promise<void>> = [];
    // The conversation's complaints run on this runtime's care graph, so it is there by the time one is asked.
    const rt: CareRuntime = {
      store,
      deps,
      graph,
      conversation: conversationGraph(store, checkpointer, memory, { ...o, care: careLink(() => rt) }),
      checkpointer,
      memory,
      environment,
      live: liveFeed(store),
      resuming: new Set(),
      beforeClose: (fn) => void closing.push(fn),
      close: async () => {
        await Promise.allSettled(closing.map((fn) => fn()));
        await rt.live.close().catch(() => {});
        await store.close();
      },
    };
    return rt;
  } catch (e) {
    void store.close();
    throw e;
  }
}

export function contactResult(state: CareStateType & { __interrupt__?: unknown[] }): ContactResult {
  const c = state.contact;
  return {
    context_key: c.context!.key,
    route: c.route!,
    template: c.decision?.template ?? null,
    safety_verdict: c.safety_verdict?.verdict ?? null,
    safety_rules: c.safety_verdict?.rules ?? [],
    score: c.score ?? null,
    reward: c.outcome?.reward ?? null,
    learned: c.outcome?.learned ?? false,
    escalation: c.escalation?.reason ?? null,
    pending: (state.__interrupt__?.length ?? 0) > 0,
  };
}

/** One contact through the graph, thread = interaction id. */
export function contactRunner(rt: CareRuntime, durability: Durability = "async") {
  return async (input: ContactInput, run: ContactRun, signal?: AbortSignal): Promise<ContactResult> => {
    const context = CareContext.parse({
      policy: run.policy,
      policy_namespace: run.policy_namespace,
      experiment_id: run.experiment_id,
      iteration: input.iteration,
      draw_key: input.draw_key,
    });
    const state = await rt.graph.invoke({ customer_id: input.customer_id, interaction_id: input.interaction_id }, {
      signal, configurable: { thread_id: input.interaction_id }, context, durability });
    return contactResult(state);
  };
}
