// A small SqliteStore (BaseStore.batch over better-sqlite3), checked against InMemoryStore (the reference) and PostgresStore.
import { BaseStore, InMemoryStore } from "@langchain/langgraph-checkpoint";
import { PostgresStore } from "@langchain/langgraph-checkpoint-postgres/store";
import Database from "better-sqlite3";
import pg from "pg";

const SEP = "\u001f"; // namespaces joined by a unit separator: labels may hold dots
class SqliteStore extends BaseStore {
  constructor(db) {
    super(); this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS store (prefix text NOT NULL, key text NOT NULL, value text NOT NULL,
      created_at text NOT NULL, updated_at text NOT NULL, PRIMARY KEY (prefix, key))`);
  }
  async batch(ops) { return this.db.transaction(() => ops.map((op) => this.one(op)))(); }
  one(op) {
    const item = (r) => r && { namespace: r.prefix.split(SEP), key: r.key, value: JSON.parse(r.value), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) };
    if ("namespacePrefix" in op) {
      const p = op.namespacePrefix.join(SEP);
      const rows = this.db.prepare(`SELECT * FROM store WHERE (prefix = ? OR prefix LIKE ? ESCAPE '\\') ORDER BY updated_at DESC, prefix, key`).all(p, p.replace(/[\\%_]/g, "\\$&") + (p ? SEP : "") + "%");
      const hits = rows.map(item).filter((i) => Object.entries(op.filter ?? {}).every(([k, v]) => JSON.stringify(i.value[k]) === JSON.stringify(v)));
      return hits.slice(op.offset ?? 0, (op.offset ?? 0) + (op.limit ?? 10));
    }
    if ("matchConditions" in op || ("limit" in op && !("key" in op))) {
      let ns = this.db.prepare("SELECT DISTINCT prefix FROM store").all().map((r) => r.prefix.split(SEP));
      for (const c of op.matchConditions ?? []) {
        const fits = (n) => { const part = c.matchType === "prefix" ? n.slice(0, c.path.length) : n.slice(-c.path.length); return part.length === c.path.length && c.path.every((x, i) => x === "*" || x === part[i]); };
        ns = ns.filter(fits);
      }
      if (op.maxDepth !== undefined) ns = ns.map((n) => n.slice(0, op.maxDepth));
      ns = [...new Map(ns.map((n) => [n.join(SEP), n])).values()].sort((a, b) => a.join(SEP).localeCompare(b.join(SEP)));
      return ns.slice(op.offset, op.offset + op.limit);
    }
    const p = op.namespace.join(SEP);
    if ("value" in op) {
      if (op.value === null) { this.db.prepare("DELETE FROM store WHERE prefix = ? AND key = ?").run(p, op.key); return; }
      const now = new Date().toISOString();
      this.db.prepare(`INSERT INTO store VALUES (?, ?, ?, ?, ?) ON CONFLICT (prefix, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`).run(p, op.key, JSON.stringify(op.value), now, now);
      return;
    }
    return item(this.db.prepare("SELECT * FROM store WHERE prefix = ? AND key = ?").get(p, op.key)) ?? null;
  }
}

async function script(store) {
  const out = [];
  await store.put(["profiles", "c1"], "prefs", { lang: "es", vip: true });
  await store.put(["profiles", "c2"], "prefs", { lang: "en", vip: false });
  await store.put(["profiles", "c1"], "car", { model: "Aveo" });
  await store.put(["profiles", "c1"], "prefs", { lang: "es", vip: false }); // overwrite
  await store.put(["notes", "c1", "2026"], "n1", { text: "llamó" });
  out.push(["get", (await store.get(["profiles", "c1"], "prefs"))?.value]);
  out.push(["get missing", await store.get(["profiles", "c9"], "prefs")]);
  out.push(["search prefix+filter", (await store.search(["profiles"], { filter: { lang: "es" } })).map((i) => [i.namespace, i.key]).sort()]);
  out.push(["search prefix", (await store.search(["profiles"], { limit: 10 })).length]);
  out.push(["search [] (root)", await store.search([], { limit: 10 }).then((r) => r.length, (e) => e.message)]);
  out.push(["listNamespaces", await store.listNamespaces({})]);
  out.push(["listNamespaces prefix, depth 2", await store.listNamespaces({ prefix: ["profiles"], maxDepth: 2 })]);
  out.push(["listNamespaces suffix", await store.listNamespaces({ suffix: ["2026"] })]);
  await store.delete(["profiles", "c1"], "car");
  out.push(["after delete", await store.get(["profiles", "c1"], "car")]);
  return JSON.stringify(out);
}
const url = "postgres://postgres@127.0.0.1:5432/test", schema = `st_${process.pid}`;
const admin = new pg.Client(url); await admin.connect(); await admin.query(`CREATE SCHEMA ${schema}`);
const pgStore = PostgresStore.fromConnString(url, { schema }); await pgStore.setup();
const results = { memory: await script(new InMemoryStore()), sqlite: await script(new SqliteStore(new Database(":memory:"))), postgres: await script(pgStore) };
await pgStore.stop(); await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.end();
console.log("memory:", results.memory);
for (const k of ["sqlite", "postgres"]) console.log(k, results[k] === results.memory ? "== memory" : `DIFFERS: ${results[k]}`);
