import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { emptyCheckpoint, uuid6, type PendingWrite } from "@langchain/langgraph-checkpoint";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import pg from "pg";
import { specTest } from "@langchain/langgraph-checkpoint-validation";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test } from "vitest";
import { openPostgres } from "../../src/store/postgres/open.js";
import { openSqlite } from "../../src/store/sqlite/open.js";
import { tempDbPath } from "../helpers/temp-db.js";
import { freshSchema, pgReachable, url } from "./backends.js";

/**
 * LangGraph's own conformance suite for checkpointers (@langchain/langgraph-checkpoint-validation) against the
 * savers the product runs with: LockedSqliteSaver, and PostgresCheckpointer, whose saves are our SQL rather
 * than the library's (src/store/postgres/checkpointer.ts).
 */
// The suite calls vitest's globals, which this project does not turn on.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test });

const closers = new WeakMap<BaseCheckpointSaver, () => Promise<void>>();

// Without `put`: SqliteSaver (ours only adds a lock) keeps every channel in every checkpoint, so its put group's
// "only the channels that changed" case fails for the stock SqliteSaver of @langchain/langgraph-checkpoint-sqlite too.
specTest({
  checkpointerName: "LockedSqliteSaver",
  async createCheckpointer() {
    const file = tempDbPath();
    const { store, checkpointer } = await openSqlite(file.path);
    closers.set(checkpointer, async () => {
      await store.close();
      file.cleanup();
    });
    return checkpointer;
  },
  destroyCheckpointer: (c) => closers.get(c)?.(),
}, ["putWrites", "getTuple", "list", "deleteThread"]);

describe.skipIf(!pgReachable)(pgReachable ? "PostgreSQL" : "skipped: PostgreSQL not reachable", () => {
  specTest({
    checkpointerName: "PostgresCheckpointer",
    async createCheckpointer() {
      const { schema, drop } = freshSchema();
      const { store, checkpointer } = await openPostgres({ url, schema, max: 4 });
      closers.set(checkpointer, async () => {
        await store.close();
        await drop();
      });
      return checkpointer;
    },
    destroyCheckpointer: (c) => closers.get(c)?.(),
  });

  // The conformance suite never writes twice to one index: what a redelivered step does.
  it("keeps the last write to an interrupt's index and the first of any other, as PostgresSaver does", async () => {
    const { schema, drop } = freshSchema();
    const { store, checkpointer } = await openPostgres({ url, schema, max: 2 });
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const stock = new PostgresSaver(pool, undefined, { schema });
      const pending = async (saver: BaseCheckpointSaver, threadId: string) => {
        const config = await saver.put({ configurable: { thread_id: threadId, checkpoint_ns: "" } }, { ...emptyCheckpoint(), id: uuid6(-1) }, { source: "input", step: -1, parents: {} }, {});
        const batches: PendingWrite[][] = [[["__interrupt__", "first"]], [["__interrupt__", "second"], ["__interrupt__", "third"]], [["answer", 1]], [["answer", 2]]];
        for (const [i, writes] of batches.entries()) await saver.putWrites(config, writes, i < 2 ? "ask" : "reply");
        return (await saver.getTuple(config))?.pendingWrites;
      };
      const ours = await pending(checkpointer, "t-ours");
      expect(ours).toEqual(await pending(stock, "t-stock"));
      expect(ours).toEqual(expect.arrayContaining([["ask", "__interrupt__", "third"], ["reply", "answer", 1]]));
      expect(ours).toHaveLength(2);
    } finally {
      await pool.end();
      await store.close();
      await drop();
    }
  });
});
