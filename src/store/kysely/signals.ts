import type { Kysely } from "kysely";
import type { SignalChannel } from "../ports.js";
import type { Ctx } from "./dialect.js";
import type { DB } from "./schema.js";

/** How a backend carries Repos.signal and Store.listen (postgres/signals.ts, sqlite/signals.ts). */
export interface Signals {
  /** Sends on `db`, the Store's handle or a transaction's; `afterCommit` is that handle's. */
  send(db: Kysely<DB>, afterCommit: Ctx["afterCommit"], channel: SignalChannel, payload: string): Promise<void>;
  listen(channel: SignalChannel, listener: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
