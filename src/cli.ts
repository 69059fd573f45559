#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { EnvironmentMismatchError } from "./agents/deps.js";
import { ExperimentParams, experimentFromParams, formatSummary, newExperimentId, writeExperimentFiles } from "./app/experiment.js";
import { openCareRuntime, type CareRuntime, type Database } from "./app/care-runtime.js";
import { appConfigFromEnv, ConfigError, type AppConfig } from "./config.js";
import { PolicyName, POLICY_NAMES } from "./policy/registry.js";
import { forgeCustomers, PersonaParams } from "./sim/persona-forge.js";
import { AssetError, loadEnvironment, loadPersonaCorpus } from "./store/assets.js";
import { CustomerCsvError, customersFromCsv, customersToCsv } from "./store/customer-csv.js";
import { ConversationOwnedError, runContact } from "./app/contacts.js";
import { createLogger, type Logger } from "./app/logger.js";
import { loggedModelCalls, ModelCallLedger } from "./app/model-calls-log.js";
import { PolicyBindingError } from "./policy/book.js";
import { evaluateFromLog, formatOpeReport, OpeInputError } from "./app/ope.js";
import type { RunningServer } from "./server/serve.js";
import { GoldenCategory } from "./domain/golden.js";
import { Password, Role, UserName } from "./domain/user.js";
import { addUser, hashPassword, UserExistsError } from "./app/people.js";
import { loadCatalog, loadGoldenSet, loadScenarios } from "./store/assets.js";
import type { ModelConfig } from "./models/config.js";
import type { Driver } from "./app/eval/check.js";
import { formatGoldenReport, headlineScore, runGolden } from "./app/eval/golden.js";
import { conversationGraphDriver } from "./app/eval/conversation-driver.js";
import { formatSimulationReport, runSimulation } from "./app/eval/simulate.js";
import { simulationParts } from "./app/eval/simulation-parts.js";

/** Bad input from the person at the terminal: a message and exit code 2, no stack trace. */
class UsageError extends Error {}

const USAGE = `care-graph — customer-care learning graph (offline by default)

Usage:
  care-graph start [--no-experiment]        create the default dataset if missing, run a short experiment, serve
  care-graph serve [--no-worker]            the HTTP service (PORT 8080, HOST 127.0.0.1; see README); it also executes
                                            queued runs unless --no-worker
  care-graph worker                         executes queued runs (WORKER_SLOTS at once) until SIGTERM/SIGINT;
                                            with WORKER_METRICS_PORT, serves /healthz, /readyz and /metrics there
  care-graph prune [--older-than-days 7]    keep only the last checkpoint of finished contacts; drop sent or failed
                                            messages, and finished runs with their events (dead letters are kept)
  care-graph experiment [options]           policy vs uniform baseline through the care graph
      --customers N (200) --iterations N (5) --policy ${POLICY_NAMES.join("|")} (thompson)
      --seed N (7) --environment FILE --out DIR (experiments/ID next to the database)
      --top-n N (30) --concurrency N (8)
      --share-angry X (0.5) --share-vocal X (0.5)
  care-graph customers generate [--n N --share-angry X --share-vocal X --seed N] [--out FILE.csv]
  care-graph customers import FILE.csv      validate every row, then store all or nothing
  care-graph customers export [--out FILE.csv]
  care-graph run --customer ID [--message TEXT] [--policy NAME]
                                            one contact through the care graph
  care-graph ope --policy NAME [--since DATE] [--namespace NS] [--train-share X (0.5)] [--seed N]
                                            off-policy estimate (IPS, SNIPS, DM, DR) of NAME from the
                                            interaction log: trained on the older rows, scored on the newer
  care-graph eval golden [--threshold 0.8] [--category NAME] [--k N]
                                            the conversation graph's golden set (data/golden/), pass rate per
                                            category; exits 1 below the threshold. --k N runs each conversation N
                                            times and holds pass^N (τ-bench) to the threshold
  care-graph eval simulate [--threshold 0.8] [--scenario ID] [--seed N]
                                            simulated customers (data/simulated-customers/) in open-ended
                                            conversations with the graph: goal met, turns, hand-off and a judge's
                                            score per scenario, and the totals; exits 1 below the goal-rate threshold
  care-graph users add --name NAME --role agent|operator|admin
                                            a person who signs in to the console (/console); the password comes
                                            from CARE_GRAPH_PASSWORD or standard input (at least 10 characters)
  care-graph users list | users password --name NAME | users disable --name NAME | users enable --name NAME
Environment: CARE_GRAPH_DB (var/care-graph.sqlite) or DATABASE_URL (postgres://…), CARE_GRAPH_SEED, OPENAI_API_KEY / OPENAI_BASE_URL.`;

const OPTIONS = {
  customers: { type: "string" },
  iterations: { type: "string" },
  policy: { type: "string" },
  seed: { type: "string" },
  environment: { type: "string" },
  out: { type: "string" },
  "top-n": { type: "string" },
  concurrency: { type: "string" },
  "share-angry": { type: "string" },
  "share-vocal": { type: "string" },
  n: { type: "string" },
  customer: { type: "string" },
  message: { type: "string" },
  since: { type: "string" },
  namespace: { type: "string" },
  "train-share": { type: "string" },
  "older-than-days": { type: "string" },
  threshold: { type: "string" },
  category: { type: "string" },
  k: { type: "string" },
  scenario: { type: "string" },
  name: { type: "string" },
  role: { type: "string" },
  "no-experiment": { type: "boolean" },
  "no-worker": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} satisfies ParseArgsConfig["options"];

function parseOr<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`--${flag}: ${r.error.issues[0]?.message ?? "invalid"}${value === undefined ? "" : ` (got "${value}")`}`);
  return r.data;
}


function loadEnv(file: string | undefined) {
  try {
    return loadEnvironment(file);
  } catch (e) {
    if (e instanceof AssetError) throw new UsageError(`--environment ${e.message}`);
    throw e;
  }
}

/** DATABASE_URL, when set, wins over the SQLite file. */
const databaseOf = (config: AppConfig): Database =>
  config.databaseUrl ? { postgres: config.databaseUrl, schema: config.databaseSchema } : { dbPath: config.dbPath };

async function withRuntime<T>(envFile: string | undefined, seed: number | undefined, fn: (rt: CareRuntime) => Promise<T>): Promise<T> {
  const config = appConfigFromEnv();
  const environment = loadEnv(envFile ?? config.environmentFile);
  let rt: CareRuntime;
  try {
    rt = await openCareRuntime({ ...databaseOf(config), seed: seed ?? config.seed, environment, models: config.models });
  } catch (e) {
    if (e instanceof EnvironmentMismatchError) throw new UsageError(`--environment ${e.message}`);
    throw e;
  }
  return fn(rt).finally(() => rt.close());
}

function progressBar(label: string) {
  if (!process.stderr.isTTY) return undefined;
  let last = -1;
  return (done: number, total: number) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const fill = Math.round((done / total) * width);
    process.stderr.write(`\r${label} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${pct}% ${done}/${total}${done === total ? "\n" : ""}`);
  };
}

/** Flags named like the parameters, with dashes: --top-n is top_n. */
function experimentParams(v: Record<string, string | boolean | undefined>, defaults: Partial<ExperimentParams> = {}): ExperimentParams {
  const fields = ["customers", "iterations", "policy", "seed", "top_n", "concurrency", "share_angry", "share_vocal"] as const;
  const given = Object.fromEntries(fields.map((f) => [f, v[f.replace("_", "-")]]).filter(([, x]) => x !== undefined));
  const r = ExperimentParams.safeParse({ ...defaults, ...given });
  if (!r.success) {
    const i = r.error.issues[0]!;
    const flag = String(i.path[0] ?? "").replace("_", "-");
    throw new UsageError(`--${flag}: ${i.message}${v[flag] === undefined ? "" : ` (got "${v[flag]}")`}`);
  }
  return r.data;
}

async function experiment(v: Record<string, string | boolean | undefined>, defaults: Partial<ExperimentParams> = {}) {
  const params = experimentParams(v, defaults);
  const config = appConfigFromEnv();
  const environment = loadEnv((v.environment as string | undefined) ?? config.environmentFile);
  return withRuntime(v.environment as string | undefined, params.seed, async (rt) => {
    const experimentId = newExperimentId(params);
    const summary = await experimentFromParams(rt, params, environment, { experimentId, onProgress: progressBar(experimentId) });
    // Next to the database: the one place a deployment (the Docker image's /data) is sure to let us write.
    const out = (v.out as string | undefined) ?? join(dirname(config.dbPath), "experiments", experimentId);
    const files = await writeExperimentFiles(rt, summary, out);
    console.log(formatSummary(summary));
    console.log(`\nWrote ${files.join(", ")}`);
  });
}

/** The password for `users add` and `users password`: never a flag (it would sit in the shell's history and in `ps`). */
async function readPassword(): Promise<string> {
  let text = process.env.CARE_GRAPH_PASSWORD ?? "";
  if (!text) {
    if (process.stdin.isTTY) process.stderr.write("Contraseña (termina con Enter y Ctrl-D): ");
    for await (const chunk of process.stdin) text += chunk;
  }
  const r = Password.safeParse(text.replace(/\r?\n$/, ""));
  if (!r.success) throw new UsageError(`the password (CARE_GRAPH_PASSWORD or standard input): ${r.error.issues[0]!.message}`);
  return r.data;
}

async function users(sub: string | undefined, v: Record<string, string | boolean | undefined>) {
  if (sub === "list")
    return withRuntime(undefined, undefined, async (rt) => {
      for (const u of await rt.store.users.list()) console.log(`${u.name}\t${u.role}${u.disabled ? "\tdisabled" : ""}`);
    });
  const name = parseOr(UserName, v.name, "name");
  if (sub === "add") {
    const role = parseOr(Role, v.role, "role");
    const password = await readPassword();
    return withRuntime(undefined, undefined, async (rt) => {
      try {
        await addUser(rt.store, { name, role, password });
      } catch (e) {
        if (e instanceof UserExistsError) throw new UsageError(e.message);
        throw e;
      }
      console.log(`Added ${name} (${role})`);
    });
  }
  if (sub === "password") {
    const password = await readPassword();
    return withRuntime(undefined, undefined, async (rt) => {
      if (!(await rt.store.users.setPassword(name, await hashPassword(password)))) throw new UsageError(`no user named ${name}`);
      console.log(`Changed ${name}'s password; their sessions are closed`);
    });
  }
  if (sub === "disable" || sub === "enable")
    return withRuntime(undefined, undefined, async (rt) => {
      if (!(await rt.store.users.setDisabled(name, sub === "disable"))) throw new UsageError(`no user named ${name}`);
      console.log(`${sub === "disable" ? "Disabled" : "Enabled"} ${name}`);
    });
  throw new UsageError("users: add, list, password, disable or enable");
}

async function customers(sub: string | undefined, args: string[], v: Record<string, string | boolean | undefined>) {
  if (sub === "generate") {
    const params = parseOr(
      PersonaParams,
      { n: v.n && Number(v.n), share_angry: v["share-angry"] && Number(v["share-angry"]), share_vocal: v["share-vocal"] && Number(v["share-vocal"]), seed: v.seed && Number(v.seed) },
      "n/--share-angry/--share-vocal/--seed",
    );
    const csv = customersToCsv(forgeCustomers(params, loadPersonaCorpus()));
    if (v.out) writeFileSync(v.out as string, csv);
    else process.stdout.write(csv);
    return;
  }
  if (sub === "import") {
    const file = args[0];
    if (!file) throw new UsageError("customers import needs a CSV file");
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new UsageError(`${file}: cannot read`);
    }
    let parsed;
    try {
      parsed = customersFromCsv(text);
    } catch (e) {
      if (e instanceof CustomerCsvError) throw new UsageError(`${file}: ${e.message}; nothing was imported`);
      throw e;
    }
    await withRuntime(undefined, undefined, async (rt) => console.log(`Imported ${await rt.store.customers.upsertMany(parsed)} customers`));
    return;
  }
  if (sub === "export") {
    await withRuntime(undefined, undefined, async (rt) => {
      const csv = customersToCsv(await rt.store.customers.list());
      if (v.out) writeFileSync(v.out as string, csv);
      else process.stdout.write(csv);
    });
    return;
  }
  throw new UsageError(`unknown customers subcommand "${sub ?? ""}"`);
}

async function ope(v: Record<string, string | boolean | undefined>) {
  const policy = parseOr(PolicyName, v.policy, "policy");
  const since = v.since === undefined ? undefined : parseOr(z.iso.date().or(z.iso.datetime()), v.since, "since");
  const trainShare = parseOr(z.coerce.number().min(0).max(0.95), v["train-share"] ?? 0.5, "train-share");
  const seed = parseOr(z.coerce.number().int(), v.seed ?? 7, "seed");
  await withRuntime(undefined, undefined, async (rt) => {
    try {
      const report = await evaluateFromLog(rt.store, rt.deps.policies.armIds, { policy, since, namespace: v.namespace as string | undefined, trainShare, seed });
      console.log(formatOpeReport(report));
    } catch (e) {
      if (e instanceof OpeInputError) throw new UsageError(e.message);
      throw e;
    }
  });
}

async function runOne(v: Record<string, string | boolean | undefined>) {
  const customerId = parseOr(z.string().min(1), v.customer, "customer");
  const policy = parseOr(PolicyName, v.policy ?? "thompson", "policy");
  await withRuntime(undefined, undefined, async (rt) => {
    if (!(await rt.store.customers.get(customerId))) throw new UsageError(`customer ${customerId} does not exist`);
    try {
      const out = await runContact(rt, { customer_id: customerId, message: v.message as string | undefined, context: { policy } });
      console.log(JSON.stringify(out, null, 2));
    } catch (e) {
      if (e instanceof ConversationOwnedError || e instanceof PolicyBindingError) throw new UsageError(e.message);
      throw e;
    }
  });
}

/** What a test puts in place of the real thing. */
export interface CliOverrides {
  /** The conversation graph's driver for `eval golden` and `eval simulate` (default: the graph in process, models from the environment). */
  goldenDriver?: () => Promise<Driver>;
}

/** The driver the eval commands talk to, and how to release it. */
async function evalDriver(overrides: CliOverrides, models: ModelConfig): Promise<{ driver: Driver; close: () => Promise<void> }> {
  return overrides.goldenDriver ? { driver: await overrides.goldenDriver(), close: async () => undefined } : conversationGraphDriver(models);
}

/** A file under data/ that does not parse is a usage problem: the message names the file and the field. */
function loadAsset<T>(load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof AssetError) throw new UsageError(e.message);
    throw e;
  }
}

async function evalGolden(v: Record<string, string | boolean | undefined>, overrides: CliOverrides): Promise<number> {
  const threshold = parseOr(z.coerce.number().min(0).max(1), v.threshold ?? 0.8, "threshold");
  const category = v.category === undefined ? undefined : parseOr(GoldenCategory, v.category, "category");
  const trials = parseOr(z.coerce.number().int().min(1).max(50), v.k ?? 1, "k");
  const files = loadAsset(() => loadGoldenSet());
  const made = await evalDriver(overrides, appConfigFromEnv().models);
  const report = await runGolden(files, made.driver, { trials, category, onProgress: progressBar("golden") }).finally(() => made.close());
  console.log(formatGoldenReport(report));
  const score = headlineScore(report);
  const name = trials === 1 ? "pass rate" : `pass^${trials}`;
  const verdict = score >= threshold ? "meets" : "is below";
  console.log(`\n${name} ${(score * 100).toFixed(1)}% ${verdict} the threshold ${(threshold * 100).toFixed(1)}%`);
  return score >= threshold ? 0 : 1;
}

async function evalSimulate(v: Record<string, string | boolean | undefined>, overrides: CliOverrides): Promise<number> {
  const threshold = parseOr(z.coerce.number().min(0).max(1), v.threshold ?? 0.8, "threshold");
  const config = appConfigFromEnv();
  const seed = parseOr(z.coerce.number().int(), v.seed ?? config.seed, "seed");
  const all = loadAsset(() => loadScenarios());
  const scenarios = v.scenario === undefined ? all : all.filter((s) => s.id === v.scenario);
  if (scenarios.length === 0) throw new UsageError(`--scenario: no scenario "${v.scenario}" in data/simulated-customers/ (${all.map((s) => s.id).join(", ")})`);
  const { customerFor, judge } = loadAsset(() => simulationParts(config.models));
  const catalog = loadAsset(() => loadCatalog());
  const made = await evalDriver(overrides, config.models);
  const report = await runSimulation(scenarios, made.driver, customerFor, judge, catalog, { seed, onProgress: progressBar("simulate") }).finally(() => made.close());
  console.log(formatSimulationReport(report));
  const rate = report.totals.goalRate;
  console.log(`\ngoal rate ${(rate * 100).toFixed(1)}% ${rate >= threshold ? "meets" : "is below"} the threshold ${(threshold * 100).toFixed(1)}%`);
  return rate >= threshold ? 0 : 1;
}

/** Embedded defaults: the SQLite file, 200 PersonaForge customers, a 3-iteration Thompson experiment (unless
 * --no-experiment: a container's every restart would run one more), then the service. */
async function start(v: Record<string, string | boolean | undefined>) {
  const config = appConfigFromEnv();
  console.log(`care-graph: database ${config.databaseUrl ? `PostgreSQL (schema ${config.databaseSchema})` : config.dbPath}; models ${config.models.apiKey || config.models.baseUrl ? "LLM (" + (config.models.baseUrl ?? "OpenAI") + ")" : "offline (templates + simulated customer)"}`);
  await withRuntime(undefined, undefined, async (rt) => {
    if ((await rt.store.customers.count()) === 0) {
      const n = await rt.store.customers.upsertMany(forgeCustomers({}, loadPersonaCorpus()));
      console.log(`Created the default dataset: ${n} customers (PersonaForge, seed 7)`);
    }
    if ((await rt.store.users.list()).length === 0)
      console.log("No one can sign in to the console yet: npx care-graph users add --name NAME --role admin (the web chat at /chat needs no account)");
  });
  if (!v["no-experiment"]) await experiment(v, { iterations: 3 });
  await serveUntilSignal();
}

/** A long-running command's runtime, its graph observed by the process's Prometheus metrics. */
async function observedRuntime(config: AppConfig, log: Logger) {
  const { storedCounts } = await import("./server/serve.js");
  const { createMetrics } = await import("./server/helper/prometheus.js");
  let opened: CareRuntime | undefined;
  const metrics = createMetrics(storedCounts(() => opened));
  const modelCalls = new ModelCallLedger();
  const rt = await openCareRuntime({ ...databaseOf(config), seed: config.seed, environment: loadEnv(config.environmentFile), models: config.models, observer: loggedModelCalls(metrics.observer, log, modelCalls) });
  opened = rt;
  return { rt, metrics, modelCalls };
}

/** Resolves once SIGTERM or SIGINT has come and `stop` has finished. */
function untilSignal(log: Logger, what: string, stop: () => Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const on = (signal: string) => {
      log.info({ signal }, what);
      void stop().then(() => resolve());
    };
    process.once("SIGTERM", on);
    process.once("SIGINT", on);
  });
}

/** The HTTP service until SIGTERM/SIGINT, which drains in-flight requests before exiting. */
async function serveUntilSignal(withWorker = true) {
  // Loaded here: the server's dependencies are not needed by the other commands.
  const { serverConfigFromEnv, startServer, UnsafeBindError, workerOptionsFromEnv } = await import("./server/serve.js");
  const cfg = serverConfigFromEnv();
  const config = appConfigFromEnv();
  const log = createLogger({ level: config.logLevel });
  const { rt, metrics, modelCalls } = await observedRuntime(config, log);
  let server: RunningServer;
  try {
    server = await startServer(rt, cfg, log, metrics, withWorker ? workerOptionsFromEnv() : null, modelCalls);
  } catch (e) {
    await rt.close();
    if (e instanceof UnsafeBindError) throw new UsageError(e.message);
    throw e;
  }
  console.log(`Serving on http://${cfg.host}:${server.port} (LangGraph SDK: apiUrl = that URL; /v1 for the domain API). Ctrl-C stops.`);
  await untilSignal(log, "draining in-flight requests", () => server.close().then(() => rt.close()));
}

/** Executes queued runs until SIGTERM/SIGINT, which lets the runs under way finish (DRAIN_MS) first. */
async function workUntilSignal() {
  const { serverConfigFromEnv, workerOptionsFromEnv } = await import("./server/serve.js");
  const { startWorkerHttp } = await import("./server/worker-http.js");
  const { startRunService } = await import("./app/runs/service.js");
  const cfg = serverConfigFromEnv();
  const worker = workerOptionsFromEnv();
  const config = appConfigFromEnv();
  const log = createLogger({ level: config.logLevel });
  const { rt, metrics } = await observedRuntime(config, log);
  let http: { close(): Promise<void> } | undefined;
  try {
    if (cfg.workerMetricsPort !== undefined) http = await startWorkerHttp(rt, metrics, { port: cfg.workerMetricsPort, host: cfg.host, metricsToken: cfg.metricsToken }, log);
  } catch (e) {
    await rt.close();
    throw e;
  }
  const runs = startRunService(rt, { worker, log, observer: metrics.worker });
  log.info({ worker: runs.worker!.id, slots: worker.slots }, "care-graph worker taking runs");
  await untilSignal(log, "finishing the runs under way", async () => {
    await runs.stop(cfg.drainMs);
    await http?.close();
    await rt.close();
  });
}

export async function main(argv: string[], overrides: CliOverrides = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    console.error(`care-graph: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, sub, ...rest] = parsed.positionals;
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help || !command) {
    console.log(USAGE);
    return command || v.help ? 0 : 2;
  }
  try {
    switch (command) {
      case "start":
        await start(v);
        break;
      case "experiment":
        await experiment(v);
        break;
      case "customers":
        await customers(sub, rest, v);
        break;
      case "users":
        await users(sub, v);
        break;
      case "run":
        await runOne(v);
        break;
      case "serve":
        await serveUntilSignal(!v["no-worker"]);
        break;
      case "worker":
        await workUntilSignal();
        break;
      case "prune": {
        const days = parseOr(z.coerce.number().min(0).max(3650), v["older-than-days"] ?? 7, "older-than-days");
        await withRuntime(undefined, undefined, async (rt) => {
          const cutoff = new Date(Date.now() - days * 86_400_000);
          const r = await rt.store.pruneCheckpoints(cutoff);
          const o = await rt.store.pruneOutbound(cutoff);
          const q = await rt.store.runs.prune(cutoff);
          // Expired sessions open nothing (SessionStore.get checks); deleting them only keeps the table small.
          const sessions = await rt.store.sessions.deleteExpired(new Date());
          console.log(
            `Pruned ${r.checkpoints} checkpoints and ${r.writes} writes of ${r.threads} finished contacts, ${o.messages} sent or failed outbound messages, and ${q.runs} finished runs with their events, older than ${days} days; ${sessions} expired console sessions`,
          );
        });
        break;
      }
      case "ope":
        await ope(v);
        break;
      case "eval":
        if (sub === "golden") return await evalGolden(v, overrides);
        if (sub === "simulate") return await evalSimulate(v, overrides);
        throw new UsageError(`unknown eval subcommand "${sub ?? ""}" (golden, simulate)`);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      console.error(`care-graph: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/cli.ts") || process.argv[1]?.endsWith("/cli.js")) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
