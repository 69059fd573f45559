import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

// A checkout in miniature: the real launcher, the real tsx, a compiled and a source CLI that say which they are.
const dir = mkdtempSync(join(tmpdir(), "care-graph-bin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "bin"));
copyFileSync(join(ROOT, "bin/care-graph.mjs"), join(dir, "bin/care-graph.mjs"));
symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
const file = (path: string, text: string, mtime: Date) => {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
  utimesSync(join(dir, path), mtime, mtime);
};
const which = () => execFileSync(process.execPath, [join(dir, "bin/care-graph.mjs")], { encoding: "utf8" }).trim();
const day = (d: number) => new Date(Date.UTC(2026, 10, d));

describe("bin/care-graph.mjs runs the current code", () => {
  it("runs the source through tsx without a build", () => {
    file("src/cli.ts", 'export async function main(): Promise<number> { console.log("source"); return 0; }', day(1));
    file("graphs/care.ts", "export {};", day(1));
    expect(which()).toBe("source");
  });

  it("runs dist/ when it was built after the last change of src/ and graphs/", () => {
    file("dist/src/cli.js", 'export async function main() { console.log("compiled"); return 0; }', day(2));
    expect(which()).toBe("compiled");
  });

  it("runs the source again once a file of src/ or graphs/ is newer than the build", () => {
    file("src/agents/router.ts", "export {};", day(3));
    expect(which()).toBe("source");
    file("src/agents/router.ts", "export {};", day(1));
    file("graphs/care.ts", "export {};", day(3));
    expect(which()).toBe("source");
  });
});
