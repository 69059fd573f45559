/**
 * Live updates under load (issue 12): `--agents` signed-in agents' real HTTP clients connected to /console/events
 * of a server process (the whole app, as `serve --no-worker`), while messages are committed at `--rate` a second for `--seconds` (a customer's line on its own thread,
 * every fifth with a hand-off opened in the same transaction). Measures the delay from each commit (the writer's
 * clock once the transaction returned) to each client's receipt of the event (its clock when the bytes were
 * parsed), over every client and event; the server's RSS idle, with the clients, and at its peak.
 *
 *   SQLite:     one server process that also writes (SQLite's signals reach its own process only).
 *   PostgreSQL: a writer process on its own Store (a worker's commit) and the server hearing it by NOTIFY.
 * The clients are this process. Prints figures (markdown), asserts nothing.
 *
 *   npm run bench:live -- [--agents 100] [--rate 50] [--seconds 30] [--only sqlite,postgres]
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:live   (profiles the server)
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freshSchema, pgReachable, url } from "../tests/contract/backends.js";
import { openSse, type SseClient } from "../tests/helpers/sse.js";
import { SESSION_COOKIE } from "../src/server/middleware/session.js";
import { nowMs } from "./lib/live-server.js";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "100" },
    rate: { type: "string", default: "50" },
    seconds: { type: "string", default: "30" },
    only: { type: "string", default: "sqlite,postgres" },
  },
});
const AGENTS = Number(values.agents);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const ONLY = new Set(values.only!.split(","));
const SERVER = join(import.meta.dirname, "lib/live-server.ts");

type Stats = { rss: number; maxRss: number; loopP99: number; loopMax: number; cpuMs: number; subscribers: number; resyncs: number };

/** A child on lib/live-server.ts and a way to ask it something and await the answer. */
function child(env: Record<string, string>) {
  const p: ChildProcess = fork(SERVER, [], { execArgv: ["--import", "tsx", ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? [])], env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const answer = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (m: Record<string, unknown>) => {
        if (!(key in m)) return;
        p.off("message", on);
        resolve(m[key] as T);
      };
      p.on("message", on);
      p.once("exit", (code) => reject(new Error(`bench child exited (${code}) before answering ${key}`)));
    });
  return {
    ready: answer<number>("ready"),
    ask: <T>(message: object, key: string) => {
      const a = answer<T>(key);
      p.send(message);
      return a;
    },
    stop: () => new Promise<void>((resolve) => (p.exitCode !== null ? resolve() : (p.once("exit", () => resolve()), p.send({ stop: true })))),
  };
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function run(kind: "sqlite" | "postgres") {
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  if (kind === "postgres") {
    const s = freshSchema();
    env = { BENCH_PG_URL: url, BENCH_PG_SCHEMA: s.schema };
    drop = s.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "care-graph-live-"));
    env = { BENCH_SQLITE: join(dir, "live.sqlite") };
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const server = child(env);
  const writer = kind === "postgres" ? child({ ...env, BENCH_WRITER_ONLY: "1" }) : server;
  const clients: SseClient[] = [];
  try {
    const port = await server.ready;
    await writer.ready;
    const idle = await server.ask<Stats>({ stats: true }, "stats");
    const n = Math.round(RATE * SECONDS);
    // Per client and message: when its line arrived, and when its hand-off did (every fifth message).
    const lines = Array.from({ length: AGENTS }, () => new Float64Array(n).fill(NaN));
    const handoffs = Array.from({ length: AGENTS }, () => new Float64Array(n).fill(NaN));
    let resyncs = 0;
    const sessions = await server.ask<string[]>({ agents: AGENTS }, "sessions");
    for (let a = 0; a < AGENTS; a++)
      clients.push(
        await openSse(`http://127.0.0.1:${port}/console/events`, {
          headers: { cookie: `${SESSION_COOKIE}=${sessions[a]}` },
          onEvent: (e) => {
            const at = nowMs();
            if (e.event === "resync") return void resyncs++;
            const seq = Number(/^bench-(\d+)$/.exec((JSON.parse(e.data) as { thread_id: string }).thread_id)?.[1]);
            (e.event === "line" ? lines : handoffs)[a]![seq] = at;
          },
        }),
      );
    const refused = clients.filter((c) => c.status !== 200);
    if (refused.length > 0) throw new Error(`${refused.length} agents' streams refused (HTTP ${refused[0]!.status})`);
    const connected = await server.ask<Stats>({ stats: true }, "stats");
    // This process reads every client's stream: if it cannot keep up, the delays are its own, not the server's.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const started = nowMs();
    const written = new Map(await writer.ask<Array<[number, number]>>({ write: { rate: RATE, seconds: SECONDS } }, "written"));
    // The last events are in flight a moment after the last commit.
    const deadline = nowMs() + 10_000;
    while (nowMs() < deadline && lines.some((l) => Number.isNaN(l[n - 1]!))) await new Promise((r) => setTimeout(r, 20));
    const end = await server.ask<Stats>({ stats: true }, "stats");
    loop.disable();
    const cpu = process.cpuUsage(cpu0);

    const delays: number[] = [];
    let missing = 0;
    for (let a = 0; a < AGENTS; a++)
      for (const [seq, committed] of written) {
        for (const got of seq % 5 === 0 ? [lines[a]![seq]!, handoffs[a]![seq]!] : [lines[a]![seq]!]) {
          if (Number.isNaN(got)) missing++;
          else delays.push(got - committed);
        }
      }
    const sorted = Float64Array.from(delays).sort();
    const rate = written.size / ((Math.max(...written.values()) - Math.min(...written.values())) / 1000);
    return {
      kind,
      connected: connected.subscribers,
      events: delays.length,
      missing,
      resyncs,
      rate,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? NaN,
      rss: { idle: idle.rss, connected: connected.rss, peak: end.maxRss },
      loop: { p99: end.loopP99, max: end.loopMax },
      // The server's CPU per event delivered to one client (on SQLite it includes the writes themselves).
      cpuUsPerEvent: ((end.cpuMs - connected.cpuMs) * 1000) / delays.length,
      clients: { loopP99: loop.percentile(99) / 1e6, cpuShare: (cpu.user + cpu.system) / 1000 / (nowMs() - started) },
    };
  } finally {
    clients.forEach((c) => c.close());
    if (writer !== server) await writer.stop();
    await server.stop();
    await drop();
  }
}

const results = [];
for (const kind of ["sqlite", "postgres"] as const) {
  if (!ONLY.has(kind)) continue;
  if (kind === "postgres" && !pgReachable) {
    console.warn("PostgreSQL not reachable (CARE_GRAPH_TEST_PG): skipped");
    continue;
  }
  results.push(await run(kind));
}
console.log(`\n${AGENTS} agents, ${RATE} messages/s for ${SECONDS} s (load average at the end ${loadavg().map((x) => x.toFixed(1)).join(" ")})\n`);
console.log("| backend | clients | commits/s | events received | missing | resyncs | p50 ms | p95 ms | p99 ms | max ms | server RSS idle / with clients / peak (MB) | server event-loop delay p99 / max ms | server CPU µs per event delivered | clients' process: event-loop delay p99 ms, CPU (cores) |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of results)
  console.log(
    `| ${r.kind} | ${r.connected} | ${r.rate.toFixed(1)} | ${r.events} | ${r.missing} | ${r.resyncs} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${mb(r.rss.idle)} / ${mb(r.rss.connected)} / ${mb(r.rss.peak)} | ${r.loop.p99.toFixed(1)} / ${r.loop.max.toFixed(1)} | ${r.cpuUsPerEvent.toFixed(1)} | ${r.clients.loopP99.toFixed(1)}, ${r.clients.cpuShare.toFixed(2)} |`,
  );
