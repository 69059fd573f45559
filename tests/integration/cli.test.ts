import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { openSqliteStore } from "../../src/store/sqlite/open.js";
import { customersToCsv } from "../../src/store/customer-csv.js";
import { parseCsv } from "../../src/store/csv.js";
import { customer, tempDbPath } from "../helpers/runtime.js";

const tmp = tempDbPath();
const dir = join(tmp.path, "..");
let stderr: string[] = [];

beforeAll(() => {
  vi.stubEnv("CARE_GRAPH_DB", tmp.path);
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(a.join(" ")));
  vi.spyOn(console, "log").mockImplementation(() => undefined);
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  tmp.cleanup();
});
const cli = async (...args: string[]) => {
  stderr = [];
  return { code: await main(args), err: stderr.join("\n") };
};
const customerCount = async () => {
  const store = openSqliteStore(tmp.path);
  try {
    return await store.customers.count();
  } finally {
    await store.close();
  }
};

describe("care-graph CLI: bad input exits 2 with a clear message", () => {
  it("a bad setting in the environment, named by its variable", async () => {
    vi.stubEnv("CARE_GRAPH_SEED", "seven");
    try {
      const r = await cli("run", "--customer", "C0001");
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/CARE_GRAPH_SEED: .*"seven"/);
    } finally {
      vi.stubEnv("CARE_GRAPH_SEED", "");
    }
  });

  it("an unknown policy", async () => {
    const r = await cli("experiment", "--policy", "greedy-ish");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--policy.*thompson/);
  });

  it("a missing environment file", async () => {
    const r = await cli("experiment", "--environment", join(dir, "nope.json"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope\.json: file not found/);
  });

  it("a malformed environment file, naming the field", async () => {
    const bad = join(dir, "bad-env.json");
    writeFileSync(bad, JSON.stringify({ name: "x", segments: { ids: ["VF"], p: [0.5] }, issues: { ids: ["finanzas"], p: [1] }, arms: { ids: ["empatiko"] }, mean: {} }));
    const r = await cli("experiment", "--environment", bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/segments\.p: must sum to 1/);
    writeFileSync(bad, "{ not json");
    expect((await cli("experiment", "--environment", bad)).code).toBe(2);
  });

  it("an environment whose arms are not our templates", async () => {
    const file = join(dir, "arms.json");
    writeFileSync(
      file,
      JSON.stringify({ name: "x", segments: { ids: ["VF"], p: [1] }, issues: { ids: ["finanzas"], p: [1] }, arms: { ids: ["empatiko", "llamada"] }, mean: { "VF/finanzas": [0.5, 0.5] } }),
    );
    const r = await cli("experiment", "--environment", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/llamada are not templates/);
  });

  it("an unknown option or command", async () => {
    expect((await cli("experiment", "--iterashuns", "3")).code).toBe(2);
    expect((await cli("fly")).code).toBe(2);
    expect((await cli("experiment", "--iterations", "0")).code).toBe(2);
  });

  it("a customer CSV with one bad record imports nothing and names the field", async () => {
    const file = join(dir, "customers.csv");
    writeFileSync(file, customersToCsv([customer({ customer_id: "ok1" }), customer({ customer_id: "bad", past_nps: 11 })]));
    const r = await cli("customers", "import", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/line 3: past_nps/);
    expect(r.err).toMatch(/nothing was imported/);
    expect(await customerCount()).toBe(0);
  });

  it("a good CSV imports every row", async () => {
    const file = join(dir, "good.csv");
    writeFileSync(file, customersToCsv([customer({ customer_id: "ok1" }), customer({ customer_id: "ok2" })]));
    expect((await cli("customers", "import", file)).code).toBe(0);
    expect(await customerCount()).toBe(2);
  });
});

describe("care-graph experiment's tables", () => {
  // What legitimately differs between two runs: the experiment's id (in every namespace and interaction id) and the clock.
  const tables = (out: string) => {
    const { experiment_id, started_at, finished_at, policy, baseline, ...rest } = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    const [header, ...rows] = parseCsv(readFileSync(join(out, "interactions.csv"), "utf8"));
    const keep = header!.map((c, i) => (["interaction_id", "policy_namespace", "created_at"].includes(c) ? -1 : i)).filter((i) => i >= 0);
    return {
      experiment_id,
      summary: { ...rest, policy: { ...policy, namespace: undefined }, baseline: { ...baseline, namespace: undefined } },
      rows: rows.map((r) => keep.map((i) => r[i])).map((r) => r.join(",")).sort(),
    };
  };

  it("two runs of --seed 11 on one database write identical summaries and interaction logs", async () => {
    const run = async (name: string) => {
      const out = join(dir, name);
      const r = await cli("experiment", "--seed", "11", "--customers", "30", "--iterations", "2", "--top-n", "10", "--concurrency", "8", "--out", out);
      expect(r.code).toBe(0);
      return tables(out);
    };
    const a = await run("seed-11-a");
    const b = await run("seed-11-b");
    expect(a.experiment_id).not.toBe(b.experiment_id);
    expect(a.rows.length).toBeGreaterThan(40);
    expect(b.summary).toEqual(a.summary);
    expect(b.rows).toEqual(a.rows);
  });

  it("go next to the database without --out: the one place a container lets its user write", async () => {
    expect((await cli("experiment", "--customers", "10", "--iterations", "1")).code).toBe(0);
    const [id, ...more] = readdirSync(join(dir, "experiments"));
    expect(more).toEqual([]);
    expect(readdirSync(join(dir, "experiments", id!)).sort()).toEqual(["interactions.csv", "summary.json"]);
  });
});

describe("care-graph prune", () => {
  it("drops finished runs and their events, keeping open runs", async () => {
    const store = openSqliteStore(tmp.path);
    const queue = (thread: string) => store.runs.enqueue({ run_id: crypto.randomUUID(), thread_id: thread, assistant_id: "care", multitask_strategy: "enqueue", kwargs: {}, metadata: {} });
    let done: string, open: string;
    try {
      done = ((await queue("t-prune-done")) as { run: { run_id: string } }).run.run_id;
      open = ((await queue("t-prune-open")) as { run: { run_id: string } }).run.run_id;
      expect((await store.runs.claim("w", 60_000, 3))?.run_id).toBe(done);
      await store.runEvents.append(done, [{ event: "values", data: {} }]);
      expect(await store.runs.finish(done, "w", "success")).toBe(true);
    } finally {
      await store.close();
    }
    await new Promise((r) => setTimeout(r, 5)); // finished before the cut-off, not at it
    expect((await cli("prune", "--older-than-days", "0")).code).toBe(0);
    const after = openSqliteStore(tmp.path);
    try {
      expect(await after.runs.get(done)).toBeUndefined();
      expect(await after.runEvents.after(done, 0, 10)).toEqual([]);
      expect((await after.runs.get(open))?.status).toBe("pending");
    } finally {
      await after.close();
    }
  });
});

describe("care-graph users", () => {
  it("adds a person with a role, hashing the password from CARE_GRAPH_PASSWORD; a taken name or a short password exits 2", async () => {
    vi.stubEnv("CARE_GRAPH_PASSWORD", "una-clave-bastante-larga");
    try {
      expect((await cli("users", "add", "--name", "ana", "--role", "agent")).code).toBe(0);
      const again = await cli("users", "add", "--name", "ana", "--role", "admin");
      expect(again.code).toBe(2);
      expect(again.err).toMatch(/ana exists already/);
      const badRole = await cli("users", "add", "--name", "beto", "--role", "jefe");
      expect(badRole.code).toBe(2);
      expect(badRole.err).toMatch(/--role/);
      vi.stubEnv("CARE_GRAPH_PASSWORD", "corta");
      const short = await cli("users", "add", "--name", "beto", "--role", "agent");
      expect(short.code).toBe(2);
      expect(short.err).toMatch(/at least 10 characters/);
    } finally {
      vi.stubEnv("CARE_GRAPH_PASSWORD", "");
    }
    const store = openSqliteStore(tmp.path);
    try {
      const ana = await store.users.withPassword("ana");
      expect(ana?.user.role).toBe("agent");
      expect(ana?.password_hash).toMatch(/^\$argon2id\$/);
      expect(await store.users.withPassword("beto")).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
