import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import type { AppEnv } from "../../src/server/env.js";
import type { HttpError } from "../../src/server/helper/http.js";
import { rateLimit } from "../../src/server/middleware/rate-limit.js";
import { createMetrics } from "../../src/server/helper/prometheus.js";
import { ServerConfig, startServer, serverConfigFromEnv, type RunningServer } from "../../src/server/serve.js";
import { testApp } from "../helpers/app.js";
import { customer, testRuntime } from "../helpers/runtime.js";

let rt: CareRuntime;
beforeAll(async () => {
  rt = await testRuntime();
});
afterAll(() => rt.close());

/** What @hono/node-server hands the app: the socket the request came on. */
const fromPeer = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

/** The label sets of the HTTP histogram's count series. */
function httpSeries(text: string): string[] {
  return text.split("\n").filter((l) => l.startsWith("care_graph_http_request_duration_seconds_count{"));
}

describe("/metrics", () => {
  it("labels requests by route template, with one label for every unmatched path", async () => {
    const metrics = createMetrics({ pendingHandoffs: () => 0 });
    const app = testApp(rt, { metrics });
    // Unauthenticated, as an attacker would: 401 from the key check.
    for (let i = 0; i < 300; i++) expect((await app.request(`/probe-${i}/${crypto.randomUUID()}`)).status).toBe(401);
    const key = { headers: { authorization: "Bearer k" } };
    for (const id of ["nobody-1", "nobody-2"]) expect((await app.request(`/v1/customers/${id}`, key)).status).toBe(404);
    expect((await app.request("/v1/customers/nobody-1/nothing", key)).status).toBe(404);

    const series = httpSeries(await (await app.request("/metrics")).text());
    expect(series).toEqual([
      'care_graph_http_request_duration_seconds_count{method="GET",route="unmatched",status="401"} 300',
      'care_graph_http_request_duration_seconds_count{method="GET",route="/v1/customers/:id",status="404"} 2',
      'care_graph_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1',
    ]);
  });

  it("asks for METRICS_TOKEN as a bearer token when it is set", async () => {
    const token = "metrics-token-0123456789";
    const app = testApp(rt, { metricsToken: token });
    expect((await app.request("/metrics")).status).toBe(401);
    expect((await app.request("/metrics", { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    const ok = await app.request("/metrics", { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("care_graph_http_request_duration_seconds");
    // Open as before without a token.
    expect((await testApp(rt).request("/metrics")).status).toBe(200);
  });

  it("reads METRICS_TOKEN and TRUST_PROXY from the environment", () => {
    expect(serverConfigFromEnv({ METRICS_TOKEN: "metrics-token-0123456789", TRUST_PROXY: "2" })).toMatchObject({ metricsToken: "metrics-token-0123456789", trustProxy: 2 });
    const unset = serverConfigFromEnv({});
    expect(unset.metricsToken).toBeUndefined();
    expect(unset.trustProxy).toBe(0);
    expect(() => serverConfigFromEnv({ TRUST_PROXY: "-1" })).toThrow(/TRUST_PROXY/);
    expect(() => serverConfigFromEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
  });
});

describe("without API keys", () => {
  it("serves clients on this machine only: no cross-site page, no rebound DNS name, no proxy passing outsiders on", async () => {
    const app = testApp(rt, { apiKeys: [] });
    // A page on another site posting a form: no preflight for text/plain, so only the server can refuse it.
    const planted = await app.request("/v1/customers", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify(customer({ customer_id: "planted" })),
    });
    expect(planted.status).toBe(403);
    expect((await planted.json()).error.message).toMatch(/CARE_GRAPH_API_KEYS/);
    expect(await rt.store.customers.get("planted")).toBeUndefined();
    for (const [url, origin] of [
      ["http://evil.example:8080/v1/customers?limit=1", undefined], // DNS rebinding: the attacker's name, our address
      ["http://care.example.com/v1/customers?limit=1", undefined], // a public proxy in front of a keyless server
      ["http://127.0.0.1:8080/v1/customers?limit=1", "null"],
      ["http://127.0.0.1:8080/threads/search", "https://evil.example"],
    ] as const)
      expect((await app.request(url, { method: url.endsWith("search") ? "POST" : "GET", headers: origin ? { origin } : {}, body: url.endsWith("search") ? "{}" : undefined })).status, `${url} ${origin}`).toBe(403);
    for (const [url, origin] of [
      ["http://localhost/v1/customers?limit=1", undefined],
      ["http://127.0.0.1:8080/v1/customers?limit=1", "http://localhost:3000"],
      ["http://[::1]:8080/v1/customers?limit=1", "http://127.0.0.1:8080"],
    ] as const)
      expect((await app.request(url, { headers: origin ? { origin } : {} })).status, `${url} ${origin}`).toBe(200);
    // A UI the operator let in (CORS_ORIGINS), served from elsewhere, still reaches the local server.
    const inbox = await testApp(rt, { apiKeys: [], corsOrigins: ["https://inbox.example"] }).request("http://127.0.0.1:8080/v1/customers?limit=1", { headers: { origin: "https://inbox.example" } });
    expect(inbox.status).toBe(200);
    // With keys, the key decides, wherever the request comes from.
    const keyed = await testApp(rt).request("http://care.example.com/v1/customers?limit=1", { headers: { origin: "https://evil.example", authorization: "Bearer k" } });
    expect(keyed.status).toBe(200);
  });
});

describe("rate limit per client address", () => {
  const strict = { perSecond: 0.001, burst: 2 };
  const get = (app: ReturnType<typeof testApp>, peer: string, forwardedFor: string) =>
    app.request("/v1/customers?limit=1", { headers: { "x-forwarded-for": forwardedFor } }, fromPeer(peer));

  it("ignores X-Forwarded-For unless TRUST_PROXY says proxies of ours write it", async () => {
    const app = testApp(rt, { apiKeys: [], rateLimit: strict });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(app, "192.0.2.7", `198.51.100.${i}`)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    // Another peer has its own bucket.
    expect((await get(app, "192.0.2.8", "198.51.100.1")).status).toBe(200);
  });

  it("behind one trusted proxy, takes the right-most address and ignores what the client put left of it", async () => {
    const app = testApp(rt, { apiKeys: [], rateLimit: { ...strict, trustProxy: 1 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(app, "10.0.0.1", `198.51.100.${i}, 203.0.113.5`)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect((await get(app, "10.0.0.1", "203.0.113.6")).status).toBe(200);
  });

  it("behind two trusted proxies, takes the second address from the right", async () => {
    const app = testApp(rt, { apiKeys: [], rateLimit: { ...strict, trustProxy: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(app, "10.0.0.2", `198.51.100.${i}, 203.0.113.5, 10.0.0.1`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("keeps limiting a client while it forgets idle ones past 10,000 addresses", async () => {
    let t = 0;
    const app = new Hono<AppEnv>().use(rateLimit({ perSecond: 1, burst: 2, now: () => t })).get("/", (c) => c.text("ok"));
    app.onError((e, c) => c.text(e.message, (e as HttpError).status));
    const from = (peer: string) => app.request("/", {}, fromPeer(peer));
    for (let i = 0; i < 9_999; i++) await from(`10.${i >> 8}.${i & 255}.1`);
    t = 5_000; // every one of them has refilled
    expect([(await from("192.0.2.1")).status, (await from("192.0.2.1")).status, (await from("192.0.2.1")).status]).toEqual([200, 200, 429]);
    expect((await from("192.0.2.2")).status).toBe(200); // the 10,001st address: the sweep runs
    expect((await from("192.0.2.1")).status).toBe(429);
  });
});

describe("authorization scheme", () => {
  it("accepts the bearer scheme in any case", async () => {
    const app = testApp(rt);
    for (const scheme of ["Bearer", "bearer", "BEARER"]) expect((await app.request("/v1/customers?limit=1", { headers: { authorization: `${scheme} k` } })).status, scheme).toBe(200);
    expect((await app.request("/v1/customers?limit=1", { headers: { authorization: "Basic k" } })).status).toBe(401);
  });
});

describe("a response sent before the request body was read", () => {
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: ["k"], bodyLimitBytes: 1024 * 1024 }), createLogger({ level: "silent" }));
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it("a request whose body was read keeps its connection", async () => {
    const r = await fetch(`${base}/v1/customers`, { method: "POST", headers: { authorization: "Bearer k", "content-type": "application/json" }, body: JSON.stringify(customer({ customer_id: "kept" })) });
    expect(r.status).toBe(201);
    expect(r.headers.get("connection")).toBe("keep-alive");
    await r.body?.cancel();
  });

  // fetch keeps connections alive and reuses them: each round's second request goes on the first one's socket.
  const cases = [
    { name: "413 over the body limit", path: "/v1/customers", key: "k", size: 3 * 1024 * 1024, status: 413 },
    { name: "401 before the handler", path: "/v1/customers", key: "wrong", size: 900 * 1024, status: 401 },
    { name: "200 from a route that ignores its body", path: "/assistants/search", key: "k", size: 900 * 1024, status: 200 },
  ];
  for (const t of cases)
    it(`${t.name}: the next request on a kept-alive connection succeeds`, async () => {
      for (let i = 0; i < 3; i++) {
        const first = await fetch(`${base}${t.path}`, { method: "POST", headers: { authorization: `Bearer ${t.key}`, "content-type": "application/json" }, body: `{"pad":"${"x".repeat(t.size)}"}` });
        expect(first.status).toBe(t.status);
        await first.body?.cancel();
        const next = await fetch(`${base}/v1/customers?limit=1`, { headers: { authorization: "Bearer k" } });
        expect(next.status).toBe(200);
        await next.body?.cancel();
      }
    });
});
