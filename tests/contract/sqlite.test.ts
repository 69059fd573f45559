import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/ports.js";
import { cachingStatements, openSqlite } from "../../src/store/sqlite/open.js";
import { gate } from "../helpers/gate.js";
import { tempDbPath } from "../helpers/temp-db.js";

/** What only the SQLite backend has to show: it shares today's file, tables and connection. */
describe("the SQLite Store on the file today's openDb migrated", () => {
  const file = tempDbPath();
  let db: Db;
  let store: Store;
  beforeAll(async () => {
    db = openDb(file.path);
    store = await openStore({ sqlite: db });
  });
  afterAll(async () => {
    await store.close();
    file.cleanup();
  });

  it("opens its transactions with the write lock: another process cannot write in between", async () => {
    const other = new Database(file.path);
    other.pragma("busy_timeout = 0");
    const write = () => other.prepare("INSERT INTO audit_log (actor, action, subject) VALUES ('other', 'write', 'lock-1')").run();
    try {
      const inside = gate();
      const release = gate();
      const tx = store.transaction(async (t) => {
        await t.audit.list("lock-1"); // a read only: a deferred `begin` would hold no write lock yet
        inside.open();
        await release.opened;
      });
      await inside.opened;
      expect(write).toThrow(/locked|busy/i);
      release.open();
      await tx;
      expect(write().changes).toBe(1);
    } finally {
      other.close();
    }
  });

  it("runs the checkpointer after an open transaction: its write survives that transaction's rollback", async () => {
    const { store: own, checkpointer } = openSqlite(":memory:");
    const config = { configurable: { thread_id: "interleave", checkpoint_ns: "" } };
    try {
      expect(await checkpointer.getTuple(config)).toBeUndefined(); // creates the saver's tables first
      const inside = gate();
      const release = gate();
      const tx = own.transaction(async (t) => {
        await t.audit.record("bot", "rolled-back", "interleave");
        inside.open();
        await release.opened;
        throw new Error("rollback");
      });
      await inside.opened;
      const put = checkpointer.put(config, emptyCheckpoint(), { source: "input", step: -1, parents: {} });
      release.open();
      await expect(tx).rejects.toThrow("rollback");
      await put;
      expect(await checkpointer.getTuple(config)).toBeDefined();
      expect(await own.audit.list("interleave")).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describe("the SQLite Store from a path", () => {
  it("creates and migrates the file as openDb does, and closes it", async () => {
    const file = tempDbPath();
    try {
      const store = await openStore({ sqlite: file.path });
      await store.audit.record("bot", "opened", "path-1");
      await store.close();
      const db = new Database(file.path, { readonly: true });
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare("SELECT action FROM audit_log WHERE subject = 'path-1'").all()).toEqual([{ action: "opened" }]);
      db.close();
      await expect(store.ping()).rejects.toThrow();
    } finally {
      file.cleanup();
    }
  });
});

describe("the SQLite Store's statements", () => {
  it("are prepared once per query text, the cache bounded", () => {
    const db = new Database(":memory:");
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((text: string) => (prepared.push(text), prepare(text))) as typeof db.prepare;
    const cached = cachingStatements(db, 2);
    expect(cached.prepare("select 1")).toBe(cached.prepare("select 1"));
    cached.prepare("select 2");
    cached.prepare("select 3"); // evicts "select 1", the oldest
    cached.prepare("select 1");
    expect(prepared).toEqual(["select 1", "select 2", "select 3", "select 1"]);
    db.close();
  });
});

describe("the run queue's migration on a file with messages already queued", () => {
  it("gives each queued message a key of its own, and the keys are unique from then on", async () => {
    const db = new Database(":memory:");
    db.function("redact_pii", (t: unknown) => t as string | null);
    const step = MIGRATIONS.findIndex((m) => m.includes("CREATE TABLE runs"));
    for (const m of MIGRATIONS.slice(0, step)) db.exec(m);
    db.pragma(`user_version = ${step}`);
    db.exec("INSERT INTO outbound_messages (customer_id, author, body, status) VALUES ('c1', 'ana', 'uno', 'sent'), ('c1', 'ana', 'dos', 'pending')");
    const store = await openStore({ sqlite: db });
    try {
      expect(db.prepare("SELECT id, key FROM outbound_messages ORDER BY id").all()).toEqual([
        { id: 1, key: "legacy:1" },
        { id: 2, key: "legacy:2" },
      ]);
      expect(await store.outbox.enqueue({ key: "legacy:2", customerId: "c1", author: "ana", body: "dos" })).toMatchObject({ created: false, message: { id: 2, body: "dos" } });
    } finally {
      await store.close();
    }
  });
});

describe("the inbox's migration on a file with hand-offs already open", () => {
  it("names the conversation graph's hand-offs and their channel from their thread; care's stay care's", async () => {
    const db = new Database(":memory:");
    db.function("redact_pii", (t: unknown) => t as string | null);
    const step = MIGRATIONS.findIndex((m) => m.includes("CREATE INDEX handoffs_inbox"));
    for (const m of MIGRATIONS.slice(0, step)) db.exec(m);
    db.pragma(`user_version = ${step}`);
    db.exec(`INSERT INTO threads (thread_id, metadata) VALUES ('t-chat', '{"graph_id":"conversation","context":{"channel":"telegram"}}'), ('t-care', '{"graph_id":"care"}')`);
    db.exec(`INSERT INTO handoffs (interaction_id, thread_id, customer_id, reason, priority) VALUES ('h-chat', 't-chat', 'c1', 'human_request', 5), ('h-care', 't-care', 'c2', 'legal_threat', 10), ('h-old', NULL, 'c3', 'churn_risk', 7)`);
    const store = await openStore({ sqlite: db });
    try {
      expect(await store.handoffs.get("h-chat")).toMatchObject({ graph: "conversation", channel: "telegram" });
      expect(await store.handoffs.get("h-care")).toMatchObject({ graph: "care", channel: null });
      expect(await store.handoffs.get("h-old")).toMatchObject({ graph: "care", channel: null });
      expect((await store.handoffs.inbox({ graph: "conversation" }, { limit: 10 })).items.map((h) => h.interaction_id)).toEqual(["h-chat"]);
    } finally {
      await store.close();
    }
  });
});
