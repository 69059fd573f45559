import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../src/store/db.js";
import { HandoffStore } from "../../src/store/handoffs.js";
import { InteractionStore } from "../../src/store/interactions.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { openStore } from "../../src/store/open-store.js";
import { ChannelAddressStore, OutboxStore } from "../../src/store/outbox.js";
import { SqlitePolicyStateStore } from "../../src/store/policy-state.js";
import type { Store } from "../../src/store/ports.js";
import { ThreadStore } from "../../src/store/threads.js";
import { gate } from "../helpers/gate.js";
import { tempDbPath } from "../helpers/temp-db.js";
import { interaction } from "./fixtures.js";

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

  it("reads what today's synchronous classes wrote, and they read what it writes", async () => {
    const i = interaction("compat-1", { safety_rules: ["blame"] });
    new InteractionStore(db).upsert(i);
    expect(await store.interactions.get("compat-1")).toEqual({ ...i, created_at: expect.any(String) });
    await store.interactions.upsert(interaction("compat-2", { learned: false, score: null, reward: null }));
    expect(new InteractionStore(db).get("compat-2")).toEqual(await store.interactions.get("compat-2"));

    new HandoffStore(db).open({ interaction_id: "compat-h", thread_id: "t", customer_id: "c", reason: "legal", priority: 9, draft: null, experiment_id: null });
    expect(await store.handoffs.claim("compat-h", "ana")).toBe("claimed");
    expect(new HandoffStore(db).get("compat-h")).toEqual(await store.handoffs.get("compat-h"));

    new ChannelAddressStore(db).set("compat-c", "whatsapp", "whatsapp:+5215500000001");
    const m = new OutboxStore(db).enqueue("compat-c", "ana", "hola");
    const [due] = await store.outbox.due(new Date(Date.now() + 60_000));
    expect(due).toEqual(new OutboxStore(db).due(new Date(Date.now() + 60_000))[0]);
    expect(await store.outbox.lease(m, new Date(Date.now() + 60_000))).toBe(true);
    expect(new OutboxStore(db).lease(m, new Date())).toBe(false);

    const sync = new SqlitePolicyStateStore(db);
    sync.bind("compat-ns", "thompson");
    sync.applyOnce("compat-ns", { interactionId: "compat-1", contextKey: "k", template: "empatiko", reward: 1 }, { seenSeq: 0, reload: () => {}, apply: () => new Map([["a", { n: 1 }]]) });
    expect(await store.policyState.loadRows("compat-ns")).toEqual(sync.loadRows("compat-ns"));
    expect(await store.policyState.applyOnce("compat-ns", { interactionId: "compat-1", contextKey: "k", template: "empatiko", reward: 1 }, { seenSeq: 1, reload: () => {}, apply: () => new Map() })).toMatchObject({ applied: false });

    await store.threads.upsert("compat-t", "put", { graph_id: "care", flag: true });
    expect(new ThreadStore(db).get("compat-t")).toEqual(await store.threads.get("compat-t"));
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
