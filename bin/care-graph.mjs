#!/usr/bin/env node
// Runs the compiled CLI when built (npm run build), the TypeScript source through tsx otherwise.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist/src/cli.js");
let main;
if (existsSync(compiled)) ({ main } = await import(pathToFileURL(compiled).href));
else {
  const { tsImport } = await import("tsx/esm/api");
  ({ main } = await tsImport(pathToFileURL(join(root, "src/cli.ts")).href, import.meta.url));
}
process.exit(await main(process.argv.slice(2)));
