import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { CareRuntime } from "../../src/app/care-runtime.js";

/**
 * The runtime's SQLite connection, for a test's raw reads of what landed on disk (and the few writes that
 * fake an old or damaged file). Product code reaches the database through rt.store only.
 */
export const rawDb = (rt: CareRuntime) => (rt.checkpointer as SqliteSaver).db;
