#!/usr/bin/env node
// Runs the compiled CLI when it is built from the current source (npm run build), the TypeScript source
// through tsx otherwise: a dist/ older than a file of src/ or graphs/ would run yesterday's code.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist/src/cli.js");

/** Newest modification time of the files under `dir` (0 when it is absent, as in the Docker image). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (f.isFile()) t = Math.max(t, statSync(join(f.parentPath ?? f.path, f.name)).mtimeMs);
  return t;
}

const fresh = existsSync(compiled) && statSync(compiled).mtimeMs >= Math.max(newest(join(root, "src")), newest(join(root, "graphs")));
let main;
if (fresh) ({ main } = await import(pathToFileURL(compiled).href));
else {
  const { tsImport } = await import("tsx/esm/api");
  ({ main } = await tsImport(pathToFileURL(join(root, "src/cli.ts")).href, import.meta.url));
}
process.exit(await main(process.argv.slice(2)));
