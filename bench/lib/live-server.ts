/**
 * bench/live.ts's server process: the whole app (startServer, no worker) on the given database on a real port, and,
 * when asked (SQLite, whose signals reach this process only), the writer of the load. Talks to its parent over IPC.
 *
 *   child → parent  { ready: port }, { sessions: token[] }, { written: Array<[seq, commitMs]> }, { stats }
 *   parent → child  { agents: n }, { write: { rate, seconds } }, { stats: true }, { stop: true }
 * With BENCH_WRITER_ONLY it is a worker instead: the writes only, on a Store of its own (PostgreSQL).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openCareRuntime, type Database } from "../../src/app/care-runtime.js";
import { createLogger } from "../../src/app/logger.js";
import { addUser, openSession } from "../../src/app/people.js";
import { ServerConfig, startServer } from "../../src/server/serve.js";
import type { Repos, Store } from "../../src/store/ports.js";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const nowMs = () => performance.timeOrigin + performance.now();

/**
 * Message `seq` of the load: a customer's line on its own thread, and every fifth a hand-off opened with it (one
 * transaction, as a conversation turn that hands off commits both). The thread id carries the seq to the clients.
 */
export async function writeMessage(tx: Repos, seq: number): Promise<void> {
  const thread = `bench-${seq}`;
  await tx.transcript.append([{ key: `${thread}:1`, line: { thread_id: thread, customer_id: `c-${seq % 500}`, channel: "web", author: "customer", text: "quiero hablar con una persona" } }]);
  if (seq % 5 === 0)
    await tx.handoffs.open({ interaction_id: `${thread}:h`, thread_id: thread, customer_id: `c-${seq % 500}`, reason: "human_request", priority: 5, draft: null, experiment_id: null });
}

/** The load at `rate` messages a second for `seconds`, paced on the clock (no drift): each message's commit time. */
export async function writeLoad(store: { transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> }, rate: number, seconds: number): Promise<Array<[number, number]>> {
  const written: Array<[number, number]> = [];
  const start = nowMs();
  const n = Math.round(rate * seconds);
  for (let seq = 0; seq < n; seq++) {
    const due = start + (seq * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await store.transaction((tx) => writeMessage(tx, seq));
    written.push([seq, nowMs()]);
  }
  return written;
}

/** A worker process's part on PostgreSQL: only the writes, on a Store of its own; the server hears them by NOTIFY. */
async function writer(url: string, schema: string | undefined) {
  const { openStore } = await import("../../src/store/open-store.js");
  const store = await openStore({ postgres: url, schema, max: 2 });
  process.on("message", async (m: { write?: { rate: number; seconds: number }; stop?: true }) => {
    if (m.write) process.send!({ written: await writeLoad(store, m.write.rate, m.write.seconds) });
    if (m.stop) {
      await store.close();
      process.exit(0);
    }
  });
  process.send!({ ready: 0 });
}

async function main() {
  if (process.env.BENCH_WRITER_ONLY) return writer(process.env.BENCH_PG_URL!, process.env.BENCH_PG_SCHEMA);
  const db: Database = process.env.BENCH_PG_URL ? { postgres: process.env.BENCH_PG_URL, schema: process.env.BENCH_PG_SCHEMA } : { dbPath: process.env.BENCH_SQLITE! };
  const rt = await openCareRuntime(db);
  // The whole app as `care-graph serve --no-worker` runs it: the agents' streams go through the session middleware.
  const server = await startServer(rt, ServerConfig.parse({ port: 0, apiKeys: ["bench"] }), createLogger({ level: "silent" }), undefined, null);
  // How long the server's event loop was held up: every client's delay includes it.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let maxRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 250);
  const send = (m: unknown) => process.send!(m);
  process.on("message", async (m: { agents?: number; write?: { rate: number; seconds: number }; stats?: true; stop?: true }) => {
    if (m.agents) send({ sessions: await signIn(rt.store, m.agents) });
    if (m.write) send({ written: await writeLoad(rt.store, m.write.rate, m.write.seconds) });
    if (m.stats) {
      const cpu = process.cpuUsage();
      send({ stats: { rss: process.memoryUsage().rss, maxRss, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6, cpuMs: (cpu.user + cpu.system) / 1000, ...rt.live.stats() } });
      loop.reset();
    }
    if (m.stop) {
      clearInterval(sampler);
      await server.close();
      await rt.close();
      process.exit(0);
    }
  });
  send({ ready: server.port });
}

/** `n` agents, each signed in (a session as the login opens it; the login's throttle would refuse 100 in a row). */
async function signIn(store: Store, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const user = await addUser(store, { name: `agente-${i}`, role: "agent", password: `contraseña-${i}-de-prueba` });
    tokens.push((await openSession(store, user)).token);
  }
  return tokens;
}

if (process.send) await main();
