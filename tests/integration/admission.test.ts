import { afterAll, describe, expect, it } from "vitest";
import { ExperimentJobs } from "../../src/app/experiment-jobs.js";
import { createApp } from "../../src/server/app.js";
import { createMetrics } from "../../src/server/helper/prometheus.js";
import { RunSlots } from "../../src/server/helper/run-slots.js";
import { customer, testRuntime } from "../helpers/runtime.js";

const rt = testRuntime({ customers: [customer({ customer_id: "c1", churn_risk_est: 0.1 }), customer({ customer_id: "c2", churn_risk_est: 0.1 })] });
afterAll(() => rt.close());
const slots = new RunSlots(1, 1);
const metrics = createMetrics({ pendingHandoffs: () => 0 });
metrics.watchRunSlots(slots);
const app = createApp(rt, {
  apiKeys: ["k"],
  corsOrigins: [],
  bodyLimitBytes: 1 << 20,
  rateLimit: { perSecond: 1000, burst: 1000 },
  twilio: { authToken: undefined, publicBaseUrl: undefined },
  jobs: new ExperimentJobs(rt, rt.environment),
  runSlots: slots,
  metrics,
});
const run = (id: string) => app.request(`/v1/customers/${id}/runs`, { method: "POST", headers: { authorization: "Bearer k", "content-type": "application/json" }, body: JSON.stringify({ context: { churn_threshold: 1 } }) });
const turn = () => new Promise((r) => setImmediate(r));

describe("run admission", () => {
  it("makes a run wait for a slot, refuses one past the line with 503 and Retry-After, and stores nothing for it", async () => {
    const held = await slots.acquire();
    const waiting = run("c1");
    await turn();
    await turn();
    expect(slots.waiting).toBe(1);
    const refused = await run("c2");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("overloaded");
    expect(rt.deps.interactions.list().filter((i) => i.customer_id === "c2")).toEqual([]);
    const scraped = await (await app.request("/metrics")).text();
    expect(scraped).toMatch(/care_graph_graph_runs\{state="waiting"\} 1/);
    held();
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { interaction: { customer_id: string } }).interaction.customer_id).toBe("c1");
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });
});

describe("run slots from the environment", () => {
  it("runs a few at once offline, many with an LLM (its runs wait on the network), and takes an explicit setting", async () => {
    const { serverConfigFromEnv } = await import("../../src/server/serve.js");
    expect(serverConfigFromEnv({}).runConcurrency).toBe(4);
    expect(serverConfigFromEnv({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }).runConcurrency).toBe(64);
    expect(serverConfigFromEnv({ OPENAI_API_KEY: "sk-test", RUN_CONCURRENCY: "8", RUN_QUEUE: "0" })).toMatchObject({ runConcurrency: 8, runQueue: 0 });
    expect(() => serverConfigFromEnv({ RUN_CONCURRENCY: "0" })).toThrow(/runConcurrency/);
  });
});
