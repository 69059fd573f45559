import type { Context } from "hono";
import { METHOD_NAME_ALL } from "hono/router";
import { matchedRoutes } from "hono/route";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { CareObserver } from "../../agents/observer.js";
import type { WorkerObserver } from "../../app/runs/worker.js";
import type { RunQueue } from "../../store/ports.js";

type QueueStats = Awaited<ReturnType<RunQueue["stats"]>>;
type Maybe<T> = Promise<T | undefined> | T | undefined;

/** How a run taken by a worker ended: its final status, or tried again later, dead-lettered, or its lease lost. */
const RUN_OUTCOMES = ["success", "error", "interrupted", "timeout", "retry", "dead", "lost"] as const;

/** Counts read from the database when Prometheus scrapes; undefined before the database is open. */
export interface StoredCounts {
  pendingHandoffs: () => Maybe<number>;
  outboundByStatus?: () => Maybe<Record<string, number>>;
  /** The run queue as a whole (every process on the database sees the same figures). */
  runQueue?: () => Maybe<QueueStats>;
}

/** The service's Prometheus metrics, fed by the graph's observer, the HTTP layer and the database. */
export function createMetrics({ pendingHandoffs, outboundByStatus, runQueue }: StoredCounts) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "care_graph_" });
  const contacts = new Counter({ name: "care_graph_runs_total", help: "Care graph contacts by route and outcome", labelNames: ["route", "status"], registers: [registry] });
  const nodes = new Histogram({
    name: "care_graph_node_duration_seconds",
    help: "Care graph node latency",
    labelNames: ["node", "outcome"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const llm = new Counter({ name: "care_graph_llm_calls_total", help: "LLM calls by agent and outcome", labelNames: ["agent", "outcome"], registers: [registry] });
  const tokens = new Counter({ name: "care_graph_llm_tokens_total", help: "Conversation graph model tokens by agent, model and kind (input, output)", labelNames: ["agent", "model", "kind"], registers: [registry] });
  const cost = new Counter({ name: "care_graph_llm_cost_usd_total", help: "Conversation graph model spend in US dollars (models with a known price)", labelNames: ["agent", "model"], registers: [registry] });
  const fallbacks = new Counter({ name: "care_graph_fallbacks_total", help: "Messages replaced: writer failures and safety fallbacks", labelNames: ["kind"], registers: [registry] });
  const updates = new Counter({ name: "care_graph_policy_updates_total", help: "Rewards applied to a policy", labelNames: ["namespace"], registers: [registry] });
  new Gauge({
    name: "care_graph_pending_escalations",
    help: "Hand-offs waiting for a person",
    registers: [registry],
    async collect() {
      const n = await pendingHandoffs();
      if (n !== undefined) this.set(n);
    },
  });
  new Gauge({
    name: "care_graph_outbound_messages",
    help: "Messages from people to customers, by delivery status (pending, sent, failed)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const counts = await outboundByStatus?.();
      if (counts) for (const status of ["pending", "sent", "failed"]) this.set({ status }, counts[status] ?? 0);
    },
  });
  let slots: { running: number; waiting: number } | undefined;
  new Gauge({
    name: "care_graph_graph_runs",
    help: "Graph runs of HTTP requests: running, or waiting in line for a slot",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      if (!slots) return;
      this.set({ state: "running" }, slots.running);
      this.set({ state: "waiting" }, slots.waiting);
    },
  });
  // The queue's three gauges are collected together at each scrape: one stats() query shared by them.
  let scraping: Promise<QueueStats | undefined> | undefined;
  const queueStats = () => (scraping ??= Promise.resolve(runQueue?.()).finally(() => (scraping = undefined)));
  new Gauge({
    name: "care_graph_queue_runs",
    help: "Runs in the durable queue by status: pending (waiting for a worker) or running",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const q = await queueStats();
      if (!q) return;
      this.set({ status: "pending" }, q.pending);
      this.set({ status: "running" }, q.running);
    },
  });
  new Gauge({
    name: "care_graph_queue_dead_letters",
    help: "Runs dead-lettered after their last attempt (GET /v1/runs/dead)",
    registers: [registry],
    async collect() {
      const q = await queueStats();
      if (q) this.set(q.dead);
    },
  });
  new Gauge({
    name: "care_graph_queue_oldest_pending_seconds",
    help: "Age of the oldest pending run (0 when none waits)",
    registers: [registry],
    async collect() {
      const q = await queueStats();
      if (q) this.set((q.oldestPendingMs ?? 0) / 1000);
    },
  });
  // What this process's worker did: in a `serve --no-worker` these stay at zero (see README, "Scaled out").
  const runsEnded = new Counter({ name: "care_graph_queue_runs_ended_total", help: "Runs this process's worker took, by how the attempt ended", labelNames: ["outcome"], registers: [registry] });
  for (const outcome of RUN_OUTCOMES) runsEnded.inc({ outcome }, 0);
  const runSeconds = new Histogram({
    name: "care_graph_queue_run_duration_seconds",
    help: "Execution time of a run attempt in this process's worker, by outcome",
    labelNames: ["outcome"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const waitSeconds = new Histogram({
    name: "care_graph_queue_wait_seconds",
    help: "Enqueue to first start of a run (started_at - created_at, the database's clock)",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const worker: WorkerObserver = {
    runClaimed(run) {
      // A run taken again (retry, lapsed lease) keeps its first started_at: its wait was counted then.
      if (run.attempts !== 1) return;
      const started = run.started_at ? Date.parse(run.started_at) : Date.now();
      waitSeconds.observe(Math.max(0, started - Date.parse(run.created_at)) / 1000);
    },
    runEnded(_run, end, ms) {
      const outcome = typeof end === "string" ? end : end.status;
      runsEnded.inc({ outcome });
      runSeconds.observe({ outcome }, ms / 1000);
    },
  };
  const http = new Histogram({
    name: "care_graph_http_request_duration_seconds",
    help: "HTTP requests by method, route template and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const observer: CareObserver = {
    node: (name, seconds, failed) => nodes.observe({ node: name, outcome: failed ? "error" : "ok" }, seconds),
    llm: (agent, outcome) => llm.inc({ agent, outcome }),
    fallback: (kind) => fallbacks.inc({ kind }),
    policyUpdate: (namespace) => updates.inc({ namespace }),
    contact: (route, status) => contacts.inc({ route, status }),
    modelCall: (c) => {
      tokens.inc({ agent: c.agent, model: c.model, kind: "input" }, c.input_tokens);
      tokens.inc({ agent: c.agent, model: c.model, kind: "output" }, c.output_tokens);
      if (c.cost_usd !== null) cost.inc({ agent: c.agent, model: c.model }, c.cost_usd);
    },
  };
  /** The server's run slots, once it has them. */
  const watchRunSlots = (s: { running: number; waiting: number }) => void (slots = s);
  return { registry, observer, worker, http, watchRunSlots };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** The label of a path no route answers: one series for all of them, whatever a caller makes up. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * The route template that answered ("/v1/customers/:id/runs"), so the label has as many values as the
 * app has routes. Middleware is registered for every method (`use`); a route for its own.
 */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== METHOD_NAME_ALL);
  return routes.at(-1)?.path ?? UNMATCHED_ROUTE;
}
