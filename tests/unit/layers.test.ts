import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/store/assets.js";

/**
 * The layers as built, top to bottom (docs/ARCHITECTURE.md). A file may import from its own folder and
 * from any layer below its own; an import across a row, or up, is a violation unless ALLOWED lists it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["src/cli.ts"], // the command line: runs the app's use cases and starts the server
  ["src/server/"],
  ["src/app/"],
  ["graphs/"],
  ["src/config.ts"], // settings from the environment; graphs/care.ts reads them for Studio
  ["src/agents/"],
  ["src/tools/"], // catalog, financing, knowledge: pure functions and their LangChain tools; data through src/store/assets.ts
  ["src/models/", "src/sim/"],
  ["src/store/"],
  ["src/policy/"],
  ["src/domain/"],
];

/**
 * The exceptions that exist today, each one import of one file: a new one fails the test, and so does an
 * entry here that no longer happens.
 */
const ALLOWED: readonly string[] = [
  // The offline judge is the simulated customer: the model factory builds it from the environment.
  "src/models/factory.ts -> src/sim/environment.ts",
  "src/models/factory.ts -> src/sim/simulated-judge.ts",
];

/**
 * Configuration is read at the entry points (src/cli.ts, src/server/) and passed down. These files below
 * them read the environment today (docs/ARCHITECTURE.md, "Configuration read below the entry points").
 */
const READS_ENV: readonly string[] = [
  "src/config.ts", // the one module that maps variables to settings; graphs/care.ts calls it for Studio, which passes no settings
];
const ENTRY_POINTS = ["src/cli.ts", "src/server/"];

const unitOf = (file: string) => LAYERS.flat().find((prefix) => file === prefix || file.startsWith(prefix));
const rankOf = (unit: string) => LAYERS.findIndex((row) => row.includes(unit));

function tsFiles(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return tsFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Relative specifiers of `import … from`, `export … from`, bare `import "…"` and `import("…")`. */
function relativeImports(source: string): string[] {
  const out: string[] = [];
  for (const re of [/\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["'](\.[^"']*)["']/g, /\bimport\(\s*["'](\.[^"']*)["']\s*\)/g])
    for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Package specifiers (not relative) of the same import forms. */
function packageImports(source: string): string[] {
  const out: string[] = [];
  for (const re of [/\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^."'][^"']*)["']/g, /\bimport\(\s*["']([^."'][^"']*)["']\s*\)/g])
    for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** Every import that crosses a row of LAYERS or points up, as "file -> target" (".js" read as the ".ts" source). */
function crossings(files: readonly string[], read: (file: string) => string): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = unitOf(file)!;
    for (const spec of relativeImports(read(file))) {
      const target = relative(PROJECT_ROOT, join(PROJECT_ROOT, dirname(file), spec)).replace(/\.js$/, ".ts");
      const to = unitOf(target);
      if (to === from) continue;
      if (to === undefined || rankOf(to) <= rankOf(from)) out.push(`${file} -> ${target}`);
    }
  }
  return out;
}

const files = ["src", "graphs"].flatMap(tsFiles);
const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), "utf8");

describe("layers", () => {
  it("every source file belongs to a layer", () => {
    expect(files.filter((f) => unitOf(f) === undefined)).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });

  it("no import points up or across a row, but the listed exceptions", () => {
    expect(crossings(files, read).filter((c) => !ALLOWED.includes(c))).toEqual([]);
  });

  it("every listed exception still happens", () => {
    const found = crossings(files, read);
    expect(ALLOWED.filter((a) => !found.includes(a))).toEqual([]);
  });

  it("nothing below the entry points reads process.env, but the listed files, and each listed one still does", () => {
    const below = files.filter((f) => !ENTRY_POINTS.some((e) => f.startsWith(e)));
    const readers = below.filter((f) => /\bprocess\.env\b/.test(read(f)));
    expect(readers.filter((f) => !READS_ENV.includes(f))).toEqual([]);
    expect(READS_ENV.filter((f) => !readers.includes(f))).toEqual([]);
  });

  it("no database driver or query builder is imported outside src/store: everything else goes through the Store", () => {
    const drivers = /^(better-sqlite3|kysely|pg|@langchain\/langgraph-checkpoint-(sqlite|postgres))(\/|$)/;
    const outside = files.filter((f) => !f.startsWith("src/store/"));
    expect(outside.flatMap((f) => packageImports(read(f)).filter((p) => drivers.test(p)).map((p) => `${f} -> ${p}`))).toEqual([]);
    // Nor the synchronous handle: src/store/db.ts is the SQLite backend's own.
    expect(outside.filter((f) => relativeImports(read(f)).some((spec) => join(dirname(f), spec) === "src/store/db.js"))).toEqual([]);
    expect(packageImports('import Database from "better-sqlite3";\nimport type { Kysely } from "kysely";\nconst pg = await import("pg");')).toEqual(["better-sqlite3", "kysely", "pg"]);
  });

  it("reads every form of relative import, on one line or several", () => {
    const source = [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      'import {\n  c,\n  type D,\n} from "../c.js";',
      'import * as e from "./e.js";',
      'import f, { g } from "./f.js";',
      'import "./side-effect.js";',
      'export { h } from "./h.js";',
      'export * from "./i.js";',
      'const j = await import("../j.js");',
      'import { z } from "zod";',
    ].join("\n");
    expect(relativeImports(source)).toEqual(["./a.js", "../b.js", "../c.js", "./e.js", "./f.js", "./side-effect.js", "./h.js", "./i.js", "../j.js"]);
  });

  it("names the file and the import that points up", () => {
    const fake: Record<string, string> = {
      "src/domain/x.ts": 'import { runContact } from "../app/contacts.js";',
      "src/store/y.ts": 'const { a } = await import("../../bench/policies/index.js");',
      "src/agents/z.ts": 'import type { Db } from "../store/db.js";',
    };
    expect(crossings(Object.keys(fake), (f) => fake[f]!)).toEqual(["src/domain/x.ts -> src/app/contacts.ts", "src/store/y.ts -> bench/policies/index.ts"]);
  });
});
