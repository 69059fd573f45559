import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appConfigFromEnv } from "../../src/config.js";
import { serverConfigFromEnv, workerOptionsFromEnv } from "../../src/server/serve.js";

const ROOT = join(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** The variables of README's configuration table: the backticked names of its first column. */
function documented(): string[] {
  const section = read("README.md").split(/^## Configuration$/m)[1]!.split(/^## /m)[0]!;
  const firstCells = section.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.split("|")[1]!);
  return firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)).sort();
}

describe("what the repository promises a new user", () => {
  it(".env.example lists every variable of README's configuration table, all commented out", () => {
    const lines = read(".env.example").split("\n");
    const listed = lines.flatMap((l) => l.match(/^# ([A-Z][A-Z0-9_]*)=/)?.[1] ?? []).sort();
    expect(documented()).toContain("CARE_GRAPH_ID_SECRET");
    expect(listed).toEqual(documented());
    // Nothing is set by copying it: no placeholder key or token can reach a deployment unnoticed.
    expect(lines.filter((l) => l.trim() !== "" && !l.startsWith("#"))).toEqual([]);
  });

  it("README's configuration table names every variable the entry points read", () => {
    const read = new Set<string>();
    // An environment that records each name asked for and has none of them set.
    const env = new Proxy({} as NodeJS.ProcessEnv, { get: (_, name) => void (typeof name === "string" && read.add(name)) });
    appConfigFromEnv(env);
    serverConfigFromEnv(env);
    workerOptionsFromEnv(env);
    expect(read.size).toBeGreaterThan(30);
    expect([...read].filter((name) => !documented().includes(name))).toEqual([]);
  });

  it("ships the license package.json names", () => {
    expect(JSON.parse(read("package.json")).license).toBe("MIT");
    expect(read("LICENSE")).toMatch(/^MIT License\n/);
  });
});
