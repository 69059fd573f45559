import { createHash } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import type { Signals } from "../kysely/signals.js";
import type { SignalChannel } from "../ports.js";

const RECONNECT_MS = 1_000;

/**
 * PostgreSQL's signals: NOTIFY inside the writer's transaction (PostgreSQL delivers it at COMMIT and drops
 * it on ROLLBACK), LISTEN on one connection of this Store's own, outside the pool (a pooled one would be
 * handed to queries), opened on the first listen and opened again when it breaks. Notifications sent while it
 * is down are lost: listeners poll as well, or hear of the gap (`onGap`) once it listens again. Channels are
 * the database's, not a schema's: each is prefixed with the schema, so two deployments on one database do not
 * wake each other.
 */
export function pgSignals(url: string, schema: string): Signals {
  const listeners = new Map<SignalChannel, Set<(payload: string) => void>>();
  const byWire = new Map<string, SignalChannel>();
  // A channel name is an identifier: 63 bytes at most, beyond which a long schema name is hashed.
  const wire = (channel: SignalChannel) => {
    const name = `${schema}.${channel}`;
    return name.length <= 63 ? name : createHash("sha256").update(name).digest("hex").slice(0, 63);
  };
  const listenSql = (verb: "LISTEN" | "UNLISTEN", channel: SignalChannel) => `${verb} "${wire(channel)}"`;

  const gapListeners = new Set<() => void>();
  type Connection = { client: pg.Client; ready: Promise<void> };
  let current: Connection | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  // Set when a listening connection breaks: the next one to listen tells of the gap between them.
  let broken = false;

  const lost = (c: Connection) => {
    if (current !== c) return;
    current = undefined;
    broken = true;
    c.client.end().catch(() => {});
    if (closed || listeners.size === 0 || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (!closed && !current && listeners.size > 0) open().ready.catch(() => {});
    }, RECONNECT_MS).unref();
  };

  const open = (): Connection => {
    const client = new pg.Client({ connectionString: url });
    const c: Connection = {
      client,
      ready: (async () => {
        await client.connect();
        for (const channel of listeners.keys()) await client.query(listenSql("LISTEN", channel));
      })(),
    };
    client.on("notification", (n) => {
      const channel = byWire.get(n.channel);
      if (channel) for (const l of listeners.get(channel) ?? []) l(n.payload ?? "");
    });
    // Nothing logged: the error can quote the connection string, and a payload is the writer's data.
    client.on("error", () => lost(c));
    client.on("end", () => lost(c));
    c.ready.then(
      () => {
        if (!broken || current !== c) return;
        broken = false;
        for (const g of gapListeners) g();
      },
      () => lost(c),
    );
    current = c;
    return c;
  };

  return {
    send: async (db, _afterCommit, channel, payload) => void (await sql`select pg_notify(${wire(channel)}, ${payload})`.execute(db)),

    async listen(channel, listener, onGap) {
      if (closed) throw new Error("the store is closed");
      if (onGap) gapListeners.add(onGap);
      byWire.set(wire(channel), channel);
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      try {
        const c = current ?? open();
        await c.ready;
        await c.client.query(listenSql("LISTEN", channel)); // again if `ready` ran it: LISTEN is idempotent
      } catch (e) {
        set.delete(listener);
        if (set.size === 0) listeners.delete(channel);
        if (onGap) gapListeners.delete(onGap);
        throw e;
      }
      return async () => {
        if (onGap) gapListeners.delete(onGap);
        if (!set.delete(listener) || set.size > 0) return;
        listeners.delete(channel);
        await current?.client.query(listenSql("UNLISTEN", channel)).catch(() => {});
      };
    },

    async close() {
      closed = true;
      clearTimeout(retry);
      const c = current;
      current = undefined;
      await c?.client.end().catch(() => {});
    },
  };
}
