import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh SQLite file in a temp folder, removed by `cleanup`. */
export function tempDbPath(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "care-graph-test-"));
  return { path: join(dir, "care.sqlite"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
