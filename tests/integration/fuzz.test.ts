import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { Customer } from "../../src/domain/customer.js";
import { startServer, ServerConfig, type RunningServer } from "../../src/server/serve.js";
import { customer, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

const KEY = "fuzz-key";
let rt: CareRuntime;
let server: RunningServer;
let base: string;
const errors: unknown[] = [];

beforeAll(async () => {
  rt = await testRuntime({ customers: [customer({ customer_id: "c1" }), customer({ customer_id: "c2", first_message: "Voy a ir a PROFECO" })] });
  const log = createLogger({ level: "silent" });
  const origError = log.error.bind(log);
  log.error = ((...a: unknown[]) => (errors.push(a[0]), origError(...(a as [never])))) as typeof log.error;
  server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: [KEY], ratePerSecond: 100_000, rateBurst: 100_000, twilioAuthToken: "t", publicBaseUrl: "https://x.example" }), log);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await rt.close();
});

const PATHS = [
  "/v1/customers", "/v1/customers/generate", "/v1/customers/import", "/v1/customers/{id}", "/v1/customers/{id}/runs",
  "/v1/policy", "/v1/policy/recommendations", "/v1/policy/reset", "/v1/policy/freeze", "/v1/policy/unfreeze",
  "/v1/interactions", "/v1/metrics", "/v1/experiments", "/v1/experiments/{id}", "/v1/experiments/{id}/cancel",
  "/v1/handoffs", "/v1/handoffs/{id}", "/v1/handoffs/{id}/claim", "/v1/handoffs/{id}/resolve",
  "/v1/conversations/{id}", "/v1/conversations/{id}/handback", "/v1/conversations/{id}/messages", "/webhooks/twilio/whatsapp",
  "/assistants/search", "/assistants/{id}", "/threads", "/threads/{id}", "/threads/{id}/state", "/threads/{id}/history",
  "/threads/{id}/runs/wait", "/threads/{id}/runs/stream", "/runs/stream", "/threads/search", "/healthz", "/readyz", "/nowhere/{id}",
];

const id = fc.oneof(fc.constantFrom("c1", "c2", "care", "main", "00000000-0000-4000-8000-000000000000"), fc.string({ maxLength: 40 }).map(encodeURIComponent));
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constant("{"),
  fc.constant(""),
  fc.record({ n: fc.oneof(fc.integer(), fc.string(), fc.double()), customers: fc.anything(), agent: fc.anything(), response: fc.anything() }).map((o) => JSON.stringify(o)),
  fc.record({ customer_id: fc.string(), message: fc.anything(), priority: fc.anything() }).map((o) => JSON.stringify({ assistant_id: "care", input: o })),
  fc.constant(JSON.stringify({ assistant_id: "care", command: { resume: [{ type: "accept" }] } })),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT"),
  path: fc.tuple(fc.constantFrom(...PATHS), id, fc.constantFrom("", "?limit=-1", "?segment=ZZ&since=x", "?limit=abc&offset=1e9", "?namespace=%00")).map(([p, i, q]) => p.replace("{id}", i) + q),
  body,
  contentType: fc.constantFrom("application/json", "text/csv", "application/x-www-form-urlencoded", "text/plain", ""),
  auth: fc.constantFrom(`Bearer ${KEY}`, `Bearer ${KEY}`, `Bearer ${KEY}`, "Bearer nope", "", "Basic abc"),
});

describe("random and malformed requests to every route", () => {
  it("never get a 5xx; every 4xx is JSON naming the problem; the database stays consistent", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await fetch(base + r.path, {
          method: r.method,
          headers: { ...(r.auth ? { authorization: r.auth } : {}), ...(r.contentType ? { "content-type": r.contentType } : {}) },
          body: r.method === "GET" ? undefined : r.body,
        });
        const text = await res.text();
        expect(res.status, `${r.method} ${r.path} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) {
          const parsed = JSON.parse(text);
          expect(typeof parsed.error?.message, `${r.method} ${r.path} → ${text.slice(0, 200)}`).toBe("string");
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: Number(process.env.FUZZ_SEED ?? 20261122) },
    );
    expect(errors).toEqual([]);
    expect(rawDb(rt).pragma("integrity_check", { simple: true })).toBe("ok");
    for (const c of await rt.store.customers.list()) expect(Customer.safeParse(c).success).toBe(true);
    const orphanUpdates = rawDb(rt)
      .prepare("SELECT count(*) AS n FROM policy_updates u LEFT JOIN interactions i USING (interaction_id) WHERE i.learned IS NOT 1")
      .get() as { n: number };
    expect(orphanUpdates.n).toBe(0);
  });
});
