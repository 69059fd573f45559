/**
 * Statements a contact's run sends to PostgreSQL, by who sends them (our Kysely queries, the checkpointer,
 * transactions), counted at the `pg` client in one process running the real worker: the round trips per run that
 * bound bench:scale (docs/plans/scale-out.md, "Next: CPU per run"). Prints figures, asserts nothing.
 *
 *   npm run bench:queries -- [--runs 300]
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { openCareRuntime } from "../src/app/care-runtime.js";
import { createLogger } from "../src/app/logger.js";
import { startRunService } from "../src/app/runs/service.js";
import { WorkerOptions } from "../src/app/runs/worker.js";
import { submitRun } from "../src/app/runs/submit.js";
import { forgeCustomers } from "../src/sim/persona-forge.js";
import { loadPersonaCorpus } from "../src/store/assets.js";
import { freshSchema, pgReachable, url } from "../tests/contract/backends.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "300" } } });
const RUNS = Number(values.runs);
if (!pgReachable) throw new Error("bench:queries needs PostgreSQL (CARE_GRAPH_TEST_PG)");

/** A statement's kind: its verb and table, or the checkpointer's table, so the table reads as a breakdown. */
function kind(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  const verb = /^(\w+)/.exec(t)?.[1]?.toUpperCase() ?? "?";
  if (verb === "BEGIN" || verb === "COMMIT" || verb === "ROLLBACK" || verb === "LISTEN" || verb === "SELECT" && /pg_advisory/.test(t)) return verb === "SELECT" ? "SELECT advisory lock" : verb;
  const table = /(?:from|into|update|join)\s+"?(?:\w+"?\."?)?(\w+)"?/i.exec(t)?.[1] ?? "?";
  return `${verb} ${table}`;
}

const counts = new Map<string, number>();
let counting = false;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const text = typeof first === "string" ? first : (first as { text?: string } | undefined)?.text;
  if (counting && text) counts.set(kind(text), (counts.get(kind(text)) ?? 0) + 1);
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const s = freshSchema();
const rt = await openCareRuntime({ postgres: url, schema: s.schema, seed: 21 });
try {
  // As bench:scale: silent customers with a low churn risk, so every contact completes (no hand-off).
  const customers = forgeCustomers({ n: RUNS, share_vocal: 0, share_angry: 0.5, seed: 21, id_prefix: "q" }, loadPersonaCorpus()).map((c) => ({ ...c, churn_risk_est: 0.1 }));
  await rt.store.customers.upsertMany(customers);
  await rt.store.transaction(async (tx) => {
    for (const c of customers) await submitRun(tx, { thread_id: randomUUID(), multitask_strategy: "enqueue", kwargs: { kind: "contact", customer_id: c.customer_id, context: {} } });
  });
  counting = true;
  const service = startRunService(rt, { worker: WorkerOptions.parse({ pollMs: 100 }), log: createLogger({ level: "warn" }) });
  for (;;) {
    const st = await rt.store.runs.stats();
    if (st.pending + st.running === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  counting = false;
  await service.stop(1000);
  const done = (await rt.store.runs.stats()).dead;
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((n, [, c]) => n + c, 0);
  console.log(`${RUNS} contacts (dead letters: ${done}); statements per run, the queue's polling and stats included:`);
  for (const [k, c] of rows) if (c / RUNS >= 0.05) console.log(`  ${(c / RUNS).toFixed(2).padStart(6)}  ${k}`);
  console.log(`  ${(total / RUNS).toFixed(2).padStart(6)}  total`);
} finally {
  await rt.close();
  await s.drop();
}
