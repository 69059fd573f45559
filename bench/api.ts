/**
 * HTTP overhead of the service: autocannon against `care-graph serve` (a child process, offline models)
 * next to the same contacts run in-process (runContact, the route's own code path) at the same
 * concurrency; then RSS over a long run. Not a test: it prints figures.
 *
 *   npm run bench:api -- [--seconds 10] [--soak 100000]
 */
import { fork, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openCareRuntime } from "../src/app/care-runtime.js";
import { runContact } from "../src/app/contacts.js";
import { forgeCustomers } from "../src/sim/persona-forge.js";
import { loadPersonaCorpus } from "../src/store/assets.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, soak: { type: "string", default: "100000" } } });
const SECONDS = Number(values.seconds);
const SOAK = Number(values.soak);
const KEY = "bench-key";
const RUN_BODY = "{}";
const dir = mkdtempSync(join(tmpdir(), "care-graph-api-bench-"));
// Silent customers and no churn escalation (a churn risk of 0.1 keeps the simulated judge's churn under 0.73, below
// the 0.85 threshold a caller may not raise): every contact completes and a customer can be contacted again (a
// hand-off would make the conversation a person's and answer 409 after).
const customers = forgeCustomers({ n: 5000, share_vocal: 0, share_angry: 0.5, seed: 21, id_prefix: "b" }, loadPersonaCorpus()).map((c) => ({ ...c, churn_risk_est: 0.1 }));

async function startChild(): Promise<{ url: string; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, ["bin/care-graph.mjs", "serve"], {
    env: { ...process.env, CARE_GRAPH_DB: join(dir, "http.sqlite"), PORT: "0", CARE_GRAPH_API_KEYS: KEY, LOG_LEVEL: "warn", RATE_LIMIT_PER_SECOND: "1000000", RATE_LIMIT_BURST: "1000000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve) => {
    let out = "";
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = out.match(/Serving on (http:\/\/[\d.]+:\d+)/);
      if (m) resolve(m[1]!);
    });
  });
  return { url, stop: () => new Promise((r) => (proc.once("exit", () => r()), proc.kill("SIGTERM"))) };
}

interface Row {
  label: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function cannon(url: string, path: string | ((i: number) => string), method: "GET" | "POST", connections: number): Promise<Row> {
  let i = 0;
  const r = await autocannon({
    url,
    connections,
    duration: SECONDS,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    requests: [{ method, setupRequest: (req) => ({ ...req, path: typeof path === "string" ? path : path(i++), body: method === "POST" ? RUN_BODY : undefined }) }],
  });
  return { label: "", connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

async function inProcess(connections: number): Promise<Row> {
  const rt = await openCareRuntime({ dbPath: join(dir, `inproc-${connections}.sqlite`), seed: 21 });
  await rt.store.customers.upsertMany(customers);
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const s = performance.now();
        try {
          await runContact(rt, { customer_id: customers[i++ % customers.length]!.customer_id });
        } catch {
          errors++;
        }
        latencies.push(performance.now() - s);
        await new Promise<void>((r) => setImmediate(r));
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await rt.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { label: "", connections, rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), errors };
}

/** A bare node:http server burning `busyMs` of CPU per request (bench/lib/busy-server.ts). */
async function busyServer(busyMs: number): Promise<{ url: string; stop: () => void }> {
  const child = fork(new URL("./lib/busy-server.ts", import.meta.url).pathname, [String(busyMs)]);
  const port = await new Promise<number>((resolve) => child.once("message", (p) => resolve(Number(p))));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const fmt = (r: Row) =>
  `${r.label.padEnd(34)} c=${String(r.connections).padStart(2)}  ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  errors ${r.errors}`;

async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(text.match(/^care_graph_process_resident_memory_bytes (\d+)/m)?.[1] ?? NaN) / 2 ** 20;
}

console.log(`care-graph bench:api — ${SECONDS}s per cell, node ${process.version}`);
const child = await startChild();
try {
  await fetch(`${child.url}/v1/customers/import`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "text/csv" }, body: (await import("../src/store/customer-csv.js")).customersToCsv(customers) });
  const runPath = (i: number) => `/v1/customers/${customers[i % customers.length]!.customer_id}/runs`;
  await cannon(child.url, runPath, "POST", 4); // warm-up
  for (const c of [1, 16, 64]) {
    const http = { ...(await cannon(child.url, runPath, "POST", c)), label: "POST /v1/customers/:id/runs" };
    const local = { ...(await inProcess(c)), label: "in-process runContact" };
    console.log(fmt(http));
    console.log(fmt(local));
    console.log(`${"".padEnd(34)}       HTTP / in-process throughput ${(http.rps / local.rps).toFixed(2)} (overhead ${((1 - http.rps / local.rps) * 100).toFixed(0)}%)`);
  }
  for (const c of [1, 16, 64]) console.log(fmt({ ...(await cannon(child.url, "/v1/policy", "GET", c)), label: "GET /v1/policy" }));
  // Node's own tail when every request costs what a contact does: a bare server, no graph, no database.
  const busyMs = 9;
  const busy = await busyServer(busyMs);
  try {
    for (const c of [16, 64]) console.log(fmt({ ...(await cannon(busy.url, "/", "POST", c)), label: `bare node:http, ${busyMs} ms CPU/request` }));
  } finally {
    busy.stop();
  }

  if (SOAK > 0) {
    console.log(`\nsoak: ${SOAK} POST /v1/customers/:id/runs at 16 connections; RSS of the server process`);
    let sent = 0;
    const step = Math.ceil(SOAK / 10);
    console.log(`  requests ${String(0).padStart(8)}  RSS ${(await rss(child.url)).toFixed(1)} MiB`);
    while (sent < SOAK) {
      let i = sent;
      const r = await autocannon({
        url: child.url,
        connections: 16,
        amount: step,
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        requests: [{ method: "POST", setupRequest: (req) => ({ ...req, path: runPath(i++), body: RUN_BODY }) }],
      });
      sent += step;
      console.log(`  requests ${String(sent).padStart(8)}  RSS ${(await rss(child.url)).toFixed(1)} MiB  ${r.requests.average.toFixed(0)} req/s  errors ${r.errors + r.non2xx}`);
    }
  }
} finally {
  await child.stop();
  rmSync(dir, { recursive: true, force: true });
}
