import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { startChildServer, type ChildServer } from "../helpers/child-server.js";
import { FakeOpenAI, type ChatRequest, type Reply } from "../helpers/fake-openai.js";
import { recoverRuns, runOnThread } from "../../src/app/contacts.js";
import { customer, tempDbPath, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

const KEY = "crash-test-key";
const judgeAnswer = {
  nps_expected: 7,
  engagement_prob: 0.6,
  churn_prob: 0.2,
  aspect_sentiment: { finanzas: 0, mecanica: 0, logistica: 0.3, atencion: 0 },
  rationale: "Plazo claro.",
};
const isJudge = (r: ChatRequest) => r.response_format?.type === "json_schema";

let fake: FakeOpenAI;
const children: ChildServer[] = [];
beforeAll(async () => {
  fake = await new FakeOpenAI().start();
});
afterAll(async () => {
  for (const c of children) c.proc.kill("SIGKILL");
  await fake.stop();
});

/** Where the child servers keep their data, and one raw read of it (`$status`: a thread's metadata status). */
interface Backend {
  name: string;
  skip: boolean;
  env: Record<string, string>;
  query<T>(sql: string): Promise<T>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const tmp = tempDbPath();
  return {
    name: "sqlite",
    skip: false,
    env: { CARE_GRAPH_DB: tmp.path },
    async query<T>(sql: string) {
      const db = new Database(tmp.path, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql.replaceAll("$status", "json_extract(metadata, '$.status')")).get() as T;
      } finally {
        db.close();
      }
    },
    cleanup: async () => tmp.cleanup(),
  };
}

function postgresBackend(): Backend {
  const { schema, drop } = freshSchema();
  return {
    name: "postgres",
    skip: !pgReachable,
    env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
    async query<T>(sql: string) {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        const row = (await client.query(sql.replaceAll("$status", "metadata->>'status'"))).rows[0];
        // count(*) is a bigint, sent as text; booleans as SQLite stores them.
        return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, typeof v === "boolean" ? Number(v) : k === "n" ? Number(v) : v])) as T;
      } finally {
        await client.end();
      }
    },
    cleanup: drop,
  };
}

const call = (base: string, path: string, body?: unknown) =>
  fetch(base + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const until = async (what: () => boolean | Promise<boolean>, ms = 20_000) => {
  const t0 = Date.now();
  while (!(await what())) {
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.each([sqliteBackend(), postgresBackend()])("a server killed mid-run ($name)", (b) => {
  const env = () => ({ ...b.env, OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "x", CARE_GRAPH_API_KEYS: KEY, CARE_GRAPH_LLM_TIMEOUT_MS: "60000" });
  const query = b.query.bind(b);
  afterAll(() => b.cleanup());

  it.skipIf(b.skip)("resumes the run after a restart, and the policy learns from it once", async () => {
    // First life: the judge never answers, so the run is in flight when the process dies.
    const asked = fake.requests.length; // the fake serves both backends' tests
    let judgeCalls = 0;
    fake.otherwise((req): Reply => {
      if (!isJudge(req)) return { kind: "content", content: "Hola, te confirmamos la fecha de entrega en menos de 24 horas. — Equipo Kavak" };
      judgeCalls++;
      return { kind: "hang" };
    });
    const first = await startChildServer(env());
    children.push(first);
    expect((await call(first.url, "/v1/customers/generate", { n: 4, share_vocal: 1, share_angry: 0, seed: 2, id_prefix: "k" })).status).toBe(201);
    const pending = call(first.url, "/v1/customers/k0001/runs", {}).catch(() => undefined);
    await until(() => judgeCalls === 1);
    // Checkpoints are saved in the background (durability "async"): kill once the steps before the judge's
    // (input, router, responder, safety) are saved, or a slow machine reruns the writer, not the crash's fault.
    await until(async () => (await query<{ n: number }>("SELECT count(*) AS n FROM checkpoints")).n >= 4);
    first.proc.kill("SIGKILL");
    await first.exited;
    await pending;
    expect((await query<{ n: number }>("SELECT count(*) AS n FROM interactions")).n).toBe(0);
    expect((await query<{ n: number }>("SELECT count(*) AS n FROM threads WHERE $status = 'running'")).n).toBe(1);

    // Second life: the judge answers; the unfinished run resumes from its last checkpoint.
    fake.otherwise((req): Reply =>
      isJudge(req)
        ? (judgeCalls++, { kind: "content", content: JSON.stringify(judgeAnswer) })
        : { kind: "content", content: "Hola, te confirmamos la fecha de entrega en menos de 24 horas. — Equipo Kavak" },
    );
    const second = await startChildServer(env());
    children.push(second);
    await until(async () => (await query<{ n: number }>("SELECT count(*) AS n FROM interactions")).n === 1);
    const row = await query<{ status: string; learned: number; customer_id: string }>("SELECT status, learned, customer_id FROM interactions");
    expect(row).toEqual({ status: "scored", learned: 1, customer_id: "k0001" });
    expect((await query<{ n: number }>("SELECT count(*) AS n FROM policy_updates")).n).toBe(1);
    await until(async () => (await query<{ s: string }>("SELECT $status AS s FROM threads")).s === "done");
    // The writer ran before the crash and was checkpointed: only the judge is asked again.
    expect(judgeCalls).toBe(2);
    expect(fake.requests.slice(asked).filter((r) => !isJudge(r))).toHaveLength(1);

    // A third start finds nothing to resume and applies nothing twice.
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const third = await startChildServer(env());
    children.push(third);
    await new Promise((r) => setTimeout(r, 500));
    expect((await query<{ n: number }>("SELECT count(*) AS n FROM policy_updates")).n).toBe(1);
    third.proc.kill("SIGKILL");
  });

  it.skipIf(b.skip)("drains in-flight requests on SIGTERM, then exits 0", async () => {
    fake.otherwise((req): Reply =>
      isJudge(req)
        ? { kind: "delay", ms: 800, then: { kind: "content", content: JSON.stringify(judgeAnswer) } }
        : { kind: "content", content: "Hola, te confirmamos la fecha de entrega en menos de 24 horas. — Equipo Kavak" },
    );
    const server = await startChildServer(env());
    children.push(server);
    const inFlight = call(server.url, "/v1/customers/k0002/runs", {});
    await new Promise((r) => setTimeout(r, 300));
    server.proc.kill("SIGTERM");
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await res.json()).interaction.status).toBe("scored");
    expect(await server.exited).toBe(0);
  });
});

describe("recovery from the checkpoints a crash left", () => {
  it("completes a contact whose router's writes were saved but not the next step's checkpoint", async () => {
    const rt = await testRuntime({ customers: [customer({ customer_id: "vf", segment: "VF", first_message: "Hola, ¿me confirman el día de entrega?", issue_bucket: "logistica", churn_risk_est: 0.1 })] });
    try {
      const { outcome } = await runOnThread(rt, { customer_id: "vf", thread_id: "t" });
      expect(outcome.status).toBe("completed");
      // Back to the moment of the crash: the later checkpoints and everything the later steps logged gone.
      rawDb(rt).prepare("DELETE FROM checkpoints WHERE thread_id = 't' AND json_extract(metadata, '$.step') > 0").run();
      rawDb(rt).prepare("DELETE FROM writes WHERE thread_id = 't' AND checkpoint_id NOT IN (SELECT checkpoint_id FROM checkpoints WHERE thread_id = 't')").run();
      for (const table of ["interactions", "policy_updates"]) rawDb(rt).prepare(`DELETE FROM ${table} WHERE interaction_id = ?`).run(outcome.interaction_id);
      await rt.store.threads.upsert("t", "patch", { status: "running" });
      const saved = await rt.graph.getState({ configurable: { thread_id: "t" } });
      expect(saved.next).toEqual([]); // what a finished run looks like too

      expect(await recoverRuns(rt)).toEqual({ resumed: 1, failed: 0 });
      expect(await rt.store.interactions.get(outcome.interaction_id)).toMatchObject({ status: "scored", learned: true });
      expect(rawDb(rt).prepare("SELECT count(*) AS n FROM policy_updates WHERE interaction_id = ?").get(outcome.interaction_id)).toEqual({ n: 1 });
      expect((await rt.store.threads.get("t"))!.metadata).toMatchObject({ status: "done", recovered: true });
    } finally {
      await rt.close();
    }
  });
});
