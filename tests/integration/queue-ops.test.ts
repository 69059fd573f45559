import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime, Database } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { startRunService } from "../../src/app/runs/service.js";
import { submitRun } from "../../src/app/runs/submit.js";
import { WorkerOptions } from "../../src/app/runs/worker.js";
import { createMetrics } from "../../src/server/helper/prometheus.js";
import { ServerConfig, startServer, storedCounts } from "../../src/server/serve.js";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { testApp } from "../helpers/app.js";
import { customer, tempDbPath, testRuntime } from "../helpers/runtime.js";

const AUTH = { authorization: "Bearer k" };
const silent = createLogger({ level: "silent" });
// What a dead-lettered run was asked to do: it must never come back out of /v1/runs.
const SECRET_TEXT = "Quiero cancelar, mi tarjeta 4111 1111 1111 1111";

type App = ReturnType<typeof testApp>;

/** The value of one sample line (`name{labels} value`) of a Prometheus scrape; undefined when absent. */
async function sample(app: App, series: string): Promise<number | undefined> {
  const text = await (await app.request("/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A runtime on SQLite, or on PostgreSQL in a schema of its own (dropped at the end). */
const BACKENDS: { name: string; skip: boolean; database: () => { database?: Database; drop: () => Promise<void> } }[] = [
  { name: "sqlite", skip: false, database: () => ({ drop: async () => {} }) },
  {
    name: "postgres",
    skip: !pgReachable,
    database: () => {
      const { schema, drop } = freshSchema();
      return { database: { postgres: url, schema }, drop };
    },
  },
];

describe.each(BACKENDS)("the run queue's operations ($name)", (b) => {
  describe.skipIf(b.skip)(b.skip ? "skipped: PostgreSQL not reachable" : "", () => {
    let rt: CareRuntime;
    let drop: () => Promise<void>;
    let app: App;

    beforeAll(async () => {
      const db = b.database();
      drop = db.drop;
      rt = await testRuntime({ database: db.database, customers: [customer({ customer_id: "C1" })] });
      const metrics = createMetrics(storedCounts(() => rt));
      // Fails fast: a run that cannot execute is dead after its second attempt, retried at once.
      const worker = WorkerOptions.parse({ slots: 2, pollMs: 20, maxAttempts: 2, retryDelayMs: 0 });
      app = testApp(rt, { metrics, runs: startRunService(rt, { worker, log: silent, observer: metrics.worker }) });
    });
    afterAll(async () => {
      await rt?.close();
      await drop?.();
    });

    it("/metrics shows the queue's depth and dead letters, and what the worker ended, with its latencies", async () => {
      for (const series of ['care_graph_queue_runs{status="pending"}', 'care_graph_queue_runs{status="running"}', "care_graph_queue_dead_letters", "care_graph_queue_oldest_pending_seconds"])
        expect(await sample(app, series), series).toBe(0);
      expect(await sample(app, 'care_graph_queue_runs_ended_total{outcome="success"}')).toBe(0);
      expect(await sample(app, "care_graph_queue_wait_seconds_count")).toBe(0);

      const res = await app.request("/v1/customers/C1/runs", { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: "{}" });
      expect([200, 202]).toContain(res.status);
      // The worker counts a run once its end is written, which is also when the caller gets its answer.
      await vi.waitFor(async () => expect(await sample(app, 'care_graph_queue_runs_ended_total{outcome="success"}')).toBe(1), { timeout: 5000 });
      expect(await sample(app, 'care_graph_queue_run_duration_seconds_count{outcome="success"}')).toBe(1);
      expect(await sample(app, 'care_graph_queue_run_duration_seconds_sum{outcome="success"}')).toBeGreaterThan(0);
      expect(await sample(app, "care_graph_queue_wait_seconds_count")).toBe(1);
      expect(await sample(app, 'care_graph_queue_runs{status="pending"}')).toBe(0);
    });

    it("a run failing each attempt is retried, then dead-lettered: counted, in the gauges and readiness, listed by /v1/runs/dead without its input", async () => {
      const run_id = randomUUID();
      const thread_id = randomUUID();
      // Kwargs the executor cannot read: every attempt throws, and a failure that is not a refusal is retried.
      await rt.store.runs.enqueue({ run_id, thread_id, assistant_id: "care", multitask_strategy: "enqueue", kwargs: { kind: "unknown", message: SECRET_TEXT }, metadata: { note: SECRET_TEXT } });
      await vi.waitFor(async () => expect((await rt.store.runs.get(run_id))?.dead_at).not.toBeNull(), { timeout: 5000 });
      await vi.waitFor(async () => expect(await sample(app, 'care_graph_queue_runs_ended_total{outcome="dead"}')).toBe(1), { timeout: 5000 });
      expect(await sample(app, 'care_graph_queue_runs_ended_total{outcome="retry"}')).toBe(1);
      expect(await sample(app, "care_graph_queue_dead_letters")).toBe(1);

      const ready = await app.request("/readyz");
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", queue: { pending: 0, running: 0, dead: 1, oldest_pending_ms: null } });

      const res = await app.request("/v1/runs/dead", { headers: AUTH });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain("cancelar");
      expect(text).not.toContain("4111");
      const page = JSON.parse(text);
      expect(page.next_offset).toBeNull();
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({ run_id, thread_id, assistant_id: "care", attempts: 2, error: expect.stringMatching(/dead-lettered after 2 attempts/) });
      expect(Object.keys(page.items[0]).sort()).toEqual(["assistant_id", "attempts", "created_at", "dead_at", "error", "run_id", "thread_id"]);
      expect(Date.parse(page.items[0].created_at)).not.toBeNaN();

      const one = await app.request(`/v1/runs/${run_id}`, { headers: AUTH });
      expect(one.status).toBe(200);
      const body = await one.text();
      expect(body).not.toContain("cancelar");
      expect(JSON.parse(body)).toMatchObject({ run_id, thread_id, status: "error", attempts: 2, error: expect.any(String), dead_at: expect.any(String), finished_at: expect.any(String) });
      expect((await app.request(`/v1/runs/${randomUUID()}`, { headers: AUTH })).status).toBe(404);
    });
  });
});

describe("a serve process without a worker (serve --no-worker)", () => {
  let rt: CareRuntime;
  let app: App;
  beforeAll(async () => {
    rt = await testRuntime({ customers: [] });
    app = testApp(rt, { runs: startRunService(rt, { worker: undefined, log: silent }) });
  });
  afterAll(() => rt.close());

  it("shows runs waiting for a worker in the depth, the oldest one's age growing, and ends none itself", async () => {
    await rt.store.runs.enqueue({ run_id: randomUUID(), thread_id: randomUUID(), assistant_id: "care", multitask_strategy: "enqueue", kwargs: { kind: "unknown" }, metadata: {} });
    expect(await sample(app, 'care_graph_queue_runs{status="pending"}')).toBe(1);
    await vi.waitFor(async () => expect(await sample(app, "care_graph_queue_oldest_pending_seconds")).toBeGreaterThan(0));
    const ready = await (await app.request("/readyz")).json();
    expect(ready).toMatchObject({ status: "ready", queue: { pending: 1, running: 0, dead: 0 } });
    expect(ready.queue.oldest_pending_ms).toBeGreaterThan(0);
    expect(await sample(app, 'care_graph_queue_runs_ended_total{outcome="success"}')).toBe(0);
  });

  it("/v1/runs needs the API key and validates its query, naming the field", async () => {
    expect((await app.request("/v1/runs/dead")).status).toBe(401);
    expect((await app.request(`/v1/runs/${randomUUID()}`)).status).toBe(401);
    for (const [query, field] of [["limit=0", "query.limit"], ["limit=abc", "query.limit"], ["limit=501", "query.limit"], ["offset=-1", "query.offset"], ["page=2", "query"]] as const) {
      const res = await app.request(`/v1/runs/dead?${query}`, { headers: AUTH });
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.message, query).toContain(field);
    }
    expect((await app.request("/v1/runs/dead?limit=1&offset=5", { headers: AUTH })).status).toBe(200);
  });

  it("readiness is 503 naming the queue when its stats fail, and the database when the store is gone", async () => {
    const stats = vi.spyOn(rt.store.runs, "stats").mockRejectedValueOnce(new Error("relation \"runs\" does not exist"));
    const queue = await app.request("/readyz");
    expect(queue.status).toBe(503);
    expect(await queue.json()).toMatchObject({ status: "unavailable", error: { code: "queue", message: expect.stringContaining("runs") } });
    stats.mockRestore();
    expect((await app.request("/readyz")).status).toBe(200);

    await rt.close();
    const closed = await app.request("/readyz");
    expect(closed.status).toBe(503);
    expect(await closed.json()).toMatchObject({ status: "unavailable", error: { code: "database" } });
  });
});

describe("care-graph serve (startServer)", () => {
  it("counts the runs its in-process worker ends on the /metrics it serves, next to the queue's gauges", async () => {
    const rt = await testRuntime({ customers: [customer({ customer_id: "C1" })] });
    const server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: ["k"] }), silent);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const res = await fetch(`${base}/v1/customers/C1/runs`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: "{}" });
      expect([200, 202]).toContain(res.status);
      await vi.waitFor(async () => expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^care_graph_queue_runs_ended_total\{outcome="success"\} 1$/m));
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/^care_graph_queue_wait_seconds_count 1$/m);
      expect(text).toMatch(/^care_graph_queue_runs\{status="pending"\} 0$/m);
      expect(text).toMatch(/^care_graph_queue_dead_letters 0$/m);
    } finally {
      await server.close();
      await rt.close();
    }
  });
});

/** A port nobody listens on now (the worker's log is JSON at a level the test keeps quiet, so it cannot say). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe("care-graph worker with WORKER_METRICS_PORT", () => {
  it("serves its own readiness and metrics: the runs it ended, the graph's nodes it ran", async () => {
    const file = tempDbPath();
    const rt = await testRuntime({ dbPath: file.path, customers: [customer({ customer_id: "C1" })] });
    const port = await freePort();
    const proc = spawn(process.execPath, [join(import.meta.dirname, "../../bin/care-graph.mjs"), "worker"], {
      env: { ...process.env, CARE_GRAPH_DB: file.path, WORKER_METRICS_PORT: String(port), HOST: "127.0.0.1", WORKER_POLL_MS: "50", LOG_LEVEL: "warn", DATABASE_URL: "" },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => proc.on("exit", resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      const ready = await vi.waitFor(async () => (await fetch(`${base}/readyz`)).json(), { timeout: 30_000, interval: 200 });
      expect(ready).toMatchObject({ status: "ready", queue: { dead: 0 } });
      const run = await submitRun(rt.store, { thread_id: randomUUID(), multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: "C1", context: {} } });
      await vi.waitFor(async () => expect((await rt.store.runs.get(run.run_id))?.status).toBe("success"), { timeout: 15_000, interval: 100 });
      const metrics = await vi.waitFor(
        async () => {
          const text = await (await fetch(`${base}/metrics`)).text();
          expect(text).toMatch(/^care_graph_queue_runs_ended_total\{outcome="success"\} 1$/m);
          return text;
        },
        { timeout: 5000 },
      );
      expect(metrics).toMatch(/^care_graph_queue_wait_seconds_count 1$/m);
      expect(metrics).toMatch(/^care_graph_node_duration_seconds_count\{node="policy_update",outcome="ok"\} 1$/m);
      // Only health and metrics there: the API is serve's.
      expect((await fetch(`${base}/v1/runs/dead`)).status).toBe(404);
      proc.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      proc.kill("SIGKILL");
      await rt.close();
      file.cleanup();
    }
  }, 60_000);
});
