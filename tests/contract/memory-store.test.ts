import { InMemoryStore, type BaseStore, type Item } from "@langchain/langgraph";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres } from "../../src/store/postgres/open.js";
import { SqliteMemoryStore } from "../../src/store/sqlite/memory-store.js";
import { openSqlite } from "../../src/store/sqlite/open.js";
import { gate } from "../helpers/gate.js";
import { tempDbPath } from "../helpers/temp-db.js";
import { freshSchema, pgReachable, url } from "./backends.js";

/**
 * LangGraph's long-term memory on each backend gives InMemoryStore's answers (the reference): every step
 * runs on a fresh InMemoryStore and on the backend's store, and the answers must be equal (values deeply:
 * jsonb reorders an object's keys). Search order is not part of BaseStore's contract (InMemoryStore keeps
 * insertion order, the databases newest first), so searches are compared as sets and pages as a partition.
 */
type Opened = { memory: BaseStore; close: () => Promise<void> };
const memoryBackends: Array<{ name: "sqlite" | "postgres"; skip: boolean; open: () => Promise<Opened> }> = [
  {
    name: "sqlite",
    skip: false,
    async open() {
      const file = tempDbPath();
      const { store, memory } = openSqlite(file.path);
      return { memory, close: async () => (await store.close(), file.cleanup()) };
    },
  },
  {
    name: "postgres",
    skip: !pgReachable,
    async open() {
      const { schema, drop } = freshSchema();
      const { store, memory } = await openPostgres({ url, schema, max: 2 });
      return { memory, close: async () => (await store.close(), await drop()) };
    },
  },
];

/** An item without its timestamps (which differ between stores), for comparing answers. */
const plain = (i: Item | null) => i && { namespace: i.namespace, key: i.key, value: i.value };
const bySpot = (a: { namespace: string[]; key: string }, b: { namespace: string[]; key: string }) =>
  [...a.namespace, a.key].join("/").localeCompare([...b.namespace, b.key].join("/"));
const asSet = (items: Item[]) => items.map((i) => plain(i)!).sort(bySpot);
/** Until the clock has moved past `t`, so a later write gets a later timestamp (PostgreSQL keeps microseconds, Date milliseconds). */
const clockPast = (t: Date) => vi.waitFor(() => expect(Date.now()).toBeGreaterThan(t.getTime() + 1), { timeout: 1_000, interval: 1 });

/** Declares `body`'s tests on every backend, each backend's store opened before them and removed after. */
function onEachBackend(title: string, body: (memory: () => BaseStore, backend: "sqlite" | "postgres") => void): void {
  describe.each(memoryBackends)(`${title} ($name)`, (b) => {
    describe.skipIf(b.skip)(b.skip ? "skipped: PostgreSQL not reachable" : "", () => {
      let opened: Opened | undefined;
      beforeAll(async () => {
        opened = await b.open();
      });
      afterAll(async () => opened?.close());
      body(() => opened!.memory, b.name);
    });
  });
}

onEachBackend("long-term memory", (memory) => {
  /** Each test writes under its own root label: the store is shared by the file's tests, the reference is fresh. */
  const root = () => `r${randomBytes(4).toString("hex")}`;
  async function same<T>(step: (m: BaseStore) => Promise<T>): Promise<T> {
    const expected = await step(new InMemoryStore());
    const got = await step(memory());
    expect(got).toEqual(expected);
    return got;
  }

  it("gets what was put, deeply equal; a missing key is null", async () => {
    const r = root();
    const profile = { zeta: 1, alpha: { nested: [1, "dos", null, { b: true, a: false }] }, name: "Ana Ñúñez", score: 0.25 };
    const got = await same(async (m) => {
      await m.put([r, "profiles", "c1"], "prefs", profile);
      await m.put([r, "profiles", "c2"], "prefs", { lang: "en" });
      return [plain(await m.get([r, "profiles", "c1"], "prefs")), plain(await m.get([r, "profiles", "c1"], "missing")), plain(await m.get([r, "profiles", "c3"], "prefs"))];
    });
    expect(got).toEqual([{ namespace: [r, "profiles", "c1"], key: "prefs", value: profile }, null, null]);
    const item = (await memory().get([r, "profiles", "c1"], "prefs"))!;
    expect(item.createdAt).toBeInstanceOf(Date);
    expect(item.updatedAt).toBeInstanceOf(Date);
    expect(Math.abs(item.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("an update replaces the value and moves updatedAt, not createdAt", async () => {
    const r = root();
    await same(async (m) => {
      await m.put([r, "p"], "k", { a: 1, b: 2 });
      // Copied: InMemoryStore updates the item it handed out in place.
      const { createdAt, updatedAt } = structuredClone((await m.get([r, "p"], "k"))!);
      await clockPast(updatedAt);
      await m.put([r, "p"], "k", { a: 3 });
      const second = (await m.get([r, "p"], "k"))!;
      expect(second.createdAt).toEqual(createdAt);
      expect(second.updatedAt.getTime()).toBeGreaterThan(updatedAt.getTime());
      return plain(second);
    }).then((v) => expect(v).toEqual({ namespace: [r, "p"], key: "k", value: { a: 3 } }));
  });

  it("a delete removes the item from get and search; deleting a missing key is no error", async () => {
    const r = root();
    const got = await same(async (m) => {
      await m.put([r, "p"], "gone", { x: 1 });
      await m.put([r, "p"], "kept", { x: 2 });
      await m.delete([r, "p"], "gone");
      await m.delete([r, "p"], "never");
      return { gone: await m.get([r, "p"], "gone"), left: asSet(await m.search([r])) };
    });
    expect(got).toEqual({ gone: null, left: [{ namespace: [r, "p"], key: "kept", value: { x: 2 } }] });
  });

  it("searches a namespace prefix, the namespace itself and those under it", async () => {
    const r = root();
    const got = await same(async (m) => {
      await m.put([r, "profiles", "ana"], "prefs", { lang: "es" });
      await m.put([r, "profiles", "ana", "cars"], "aveo", { year: 2015 });
      await m.put([r, "profiles", "bob"], "prefs", { lang: "en" });
      await m.put([r, "notes", "ana"], "n1", { text: "llamó" });
      await m.put([r, "profiles"], "index", { count: 2 });
      return {
        profiles: asSet(await m.search([r, "profiles"])),
        ana: asSet(await m.search([r, "profiles", "ana"])),
        none: asSet(await m.search([r, "nobody"])),
      };
    });
    expect(got.profiles.map((i) => i.key).sort()).toEqual(["aveo", "index", "prefs", "prefs"]);
    expect(got.ana.map((i) => i.key)).toEqual(["aveo", "prefs"]); // ana/cars/aveo sorts before ana/prefs
    expect(got.none).toEqual([]);
  });

  it("filters on top-level values, with InMemoryStore's operators", async () => {
    const r = root();
    const keys = (items: Item[]) => items.map((i) => i.key).sort();
    const got = await same(async (m) => {
      await m.put([r, "c"], "a", { lang: "es", vip: true, visits: 3, tier: "gold" });
      await m.put([r, "c"], "b", { lang: "en", vip: false, visits: 7 });
      await m.put([r, "c"], "c", { lang: "es", vip: false, visits: 10, tier: "silver" });
      const q = async (filter: Record<string, unknown>) => keys(await m.search([r], { filter }));
      return {
        lang: await q({ lang: "es" }),
        two: await q({ lang: "es", vip: false }),
        number: await q({ visits: 7 }),
        gt: await q({ visits: { $gt: 3 } }),
        range: await q({ visits: { $gte: 3, $lt: 10 } }),
        lte: await q({ visits: { $lte: 7 } }),
        ne: await q({ lang: { $ne: "en" } }),
        eq: await q({ lang: { $eq: "en" } }),
        in: await q({ tier: { $in: ["gold", "silver"] } }),
        nin: await q({ lang: { $nin: ["en"] } }),
        none: await q({ lang: "fr" }),
      };
    });
    expect(got).toEqual({
      lang: ["a", "c"], two: ["c"], number: ["b"], gt: ["b", "c"], range: ["a", "b"], lte: ["a", "b"],
      ne: ["a", "c"], eq: ["b"], in: ["a", "c"], nin: ["a", "c"], none: [],
    });
  });

  it("pages a search with limit and offset (10 by default), counting matching items only", async () => {
    const r = root();
    const got = await same(async (m) => {
      for (let i = 0; i < 12; i++) await m.put([r, "n"], `k${String(i).padStart(2, "0")}`, { i, even: i % 2 === 0 });
      const all = await m.search([r], { limit: 100 });
      const pages = [0, 4, 8, 12].map((offset) => m.search([r], { limit: 4, offset }));
      const evens = [0, 4].map((offset) => m.search([r], { filter: { even: true }, limit: 4, offset }));
      return {
        all: all.length,
        byDefault: (await m.search([r])).length,
        sizes: (await Promise.all(pages)).map((p) => p.length),
        union: asSet((await Promise.all(pages)).flat()),
        expected: asSet(all),
        evenSizes: (await Promise.all(evens)).map((p) => p.length),
        evens: asSet((await Promise.all(evens)).flat()).map((i) => i.value.i),
      };
    });
    expect(got).toMatchObject({ all: 12, byDefault: 10, sizes: [4, 4, 4, 0], evenSizes: [4, 2], evens: [0, 2, 4, 6, 8, 10] });
    expect(got.union).toEqual(got.expected);
  });

  it("lists namespaces under a prefix, ending with a suffix, paged", async () => {
    const r = root();
    const got = await same(async (m) => {
      for (const ns of [[r, "a", "x"], [r, "a", "y", "z"], [r, "b"], [r, "b", "x"], [r, "ab"]]) await m.put(ns, "k", { v: 1 });
      return {
        all: await m.listNamespaces({ prefix: [r] }),
        a: await m.listNamespaces({ prefix: [r, "a", "y"] }),
        suffix: await m.listNamespaces({ prefix: [r], suffix: ["x"] }),
        page: await m.listNamespaces({ prefix: [r], limit: 2, offset: 1 }),
        deepEnough: await m.listNamespaces({ prefix: [r], maxDepth: 4 }),
      };
    });
    expect(got.all).toEqual([[r, "a", "x"], [r, "a", "y", "z"], [r, "ab"], [r, "b"], [r, "b", "x"]]);
    expect(got).toMatchObject({ a: [[r, "a", "y", "z"]], suffix: [[r, "a", "x"], [r, "b", "x"]], page: [[r, "a", "y", "z"], [r, "ab"]] });
    expect(got.deepEnough).toEqual(got.all);
  });

  it("refuses to search the empty namespace, as PostgresStore does (InMemoryStore searches everything)", async () => {
    await expect(memory().search([])).rejects.toThrow("Namespace cannot be empty.");
  });
});

/**
 * Where PostgresStore 1.0.5 answers otherwise than InMemoryStore (read in its source): pinned, so the graph's
 * use of the memory avoids them and an upgrade that changes them is noticed. SqliteMemoryStore answers as
 * the reference. Matters for customer profiles: a search under ["profiles", "c1"] also returns c10's items.
 */
onEachBackend("long-term memory where PostgresStore differs", (memory, backend) => {
  const reference = new InMemoryStore();
  const both = async <T>(step: (m: BaseStore) => Promise<T>) => ({ expected: await step(reference), got: await step(memory()) });

  it("a search prefix ends at a label boundary (PostgresStore: a string prefix)", async () => {
    const { expected, got } = await both(async (m) => {
      await m.put(["s", "profiles", "c1"], "prefs", { v: 1 });
      await m.put(["s", "profiles", "c10"], "prefs", { v: 10 });
      return asSet(await m.search(["s", "profiles", "c1"]));
    });
    expect(expected.map((i) => i.value.v)).toEqual([1]);
    expect(got.map((i) => i.value.v)).toEqual(backend === "postgres" ? [1, 10] : [1]);
  });

  it("maxDepth truncates deeper namespaces (PostgresStore: drops them); '*' is a wildcard label (PostgresStore: a literal)", async () => {
    const { expected, got } = await both(async (m) => {
      for (const ns of [["d", "a", "x"], ["d", "a", "y", "z"], ["d", "b"]]) await m.put(ns, "k", { v: 1 });
      return { depth: await m.listNamespaces({ prefix: ["d"], maxDepth: 2 }), wildcard: await m.listNamespaces({ prefix: ["d", "*", "x"] }) };
    });
    expect(expected).toEqual({ depth: [["d", "a"], ["d", "b"]], wildcard: [["d", "a", "x"]] });
    expect(got).toEqual(backend === "postgres" ? { depth: [["d", "b"]], wildcard: [] } : expected);
  });

  it("an emptied namespace is no longer listed (InMemoryStore keeps listing it)", async () => {
    const { expected, got } = await both(async (m) => {
      await m.put(["e", "gone"], "k", { v: 1 });
      await m.delete(["e", "gone"], "k");
      return m.listNamespaces({ prefix: ["e"] });
    });
    expect(expected).toEqual([["e", "gone"]]);
    expect(got).toEqual([]);
  });
});

describe("SqliteMemoryStore", () => {
  it("keeps its items in the file: reopened, the same item with the same timestamps", async () => {
    const file = tempDbPath();
    try {
      const first = openSqlite(file.path);
      await first.memory.put(["profiles", "c1"], "prefs", { lang: "es" });
      const before = await first.memory.get(["profiles", "c1"], "prefs");
      await first.store.close();
      const again = openSqlite(file.path);
      expect(await again.memory.get(["profiles", "c1"], "prefs")).toEqual(before);
      await again.store.close();
    } finally {
      file.cleanup();
    }
  });

  it("runs after an open transaction on the same connection: its put survives that transaction's rollback", async () => {
    const { store, memory } = openSqlite(":memory:");
    try {
      const inside = gate();
      const release = gate();
      const tx = store.transaction(async (t) => {
        await t.audit.record("bot", "rolled-back", "memory");
        inside.open();
        await release.opened;
        throw new Error("rollback");
      });
      await inside.opened;
      const put = memory.put(["profiles", "c1"], "prefs", { lang: "es" });
      release.open();
      await expect(tx).rejects.toThrow("rollback");
      await put;
      expect((await memory.get(["profiles", "c1"], "prefs"))?.value).toEqual({ lang: "es" });
      expect(await store.audit.list("memory")).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("refuses what it cannot do: semantic search, a filter on a nested object", async () => {
    const { store, memory } = openSqlite(":memory:");
    try {
      expect(() => new SqliteMemoryStore(null as never, null as never, { index: { dims: 3 } })).toThrow("no vector search");
      await expect(memory.search(["p"], { query: "coche rojo" })).rejects.toThrow("no semantic or text search");
      await expect(memory.search(["p"], { filter: { car: { model: "Aveo" } } })).rejects.toThrow('"car" must be');
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!pgReachable)("PostgresStore as openPostgres opens it", () => {
  it("lives in the Store's schema, and the Store's close ends its pool too", async () => {
    const { schema, drop } = freshSchema();
    const { store, memory } = await openPostgres({ url, schema, max: 2 });
    try {
      await memory.put(["profiles", "c1"], "prefs", { lang: "es" });
      const admin = new pg.Client(url);
      await admin.connect();
      const rows = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.store`).finally(() => admin.end());
      expect(rows.rows).toEqual([{ n: 1 }]);
    } finally {
      await store.close();
      await drop();
    }
    await expect(memory.get(["profiles", "c1"], "prefs")).rejects.toThrow(/pool/);
  });
});
