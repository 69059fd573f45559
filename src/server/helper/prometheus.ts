import type { Context } from "hono";
import { METHOD_NAME_ALL } from "hono/router";
import { matchedRoutes } from "hono/route";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { CareObserver } from "../../agents/observer.js";

/** Counts read from the database when Prometheus scrapes; undefined before the database is open. */
export interface StoredCounts {
  pendingHandoffs: () => Promise<number | undefined> | number | undefined;
  outboundByStatus?: () => Promise<Record<string, number> | undefined> | Record<string, number> | undefined;
}

/** The service's Prometheus metrics, fed by the graph's observer, the HTTP layer and the database. */
export function createMetrics({ pendingHandoffs, outboundByStatus }: StoredCounts) {
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
  };
  /** The server's run slots, once it has them. */
  const watchRunSlots = (s: { running: number; waiting: number }) => void (slots = s);
  return { registry, observer, http, watchRunSlots };
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
