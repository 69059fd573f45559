import { EventEmitter } from "node:events";
import type { Signals } from "../kysely/signals.js";

/** SQLite's signals reach this process only (another one on the file polls): an emitter fired after commit. */
export function localSignals(): Signals {
  const emitter = new EventEmitter().setMaxListeners(0);
  return {
    send: async (_db, afterCommit, channel, payload) => afterCommit(() => emitter.emit(channel, payload)),
    async listen(channel, listener) {
      emitter.on(channel, listener);
      return async () => void emitter.off(channel, listener);
    },
    close: async () => void emitter.removeAllListeners(),
  };
}
