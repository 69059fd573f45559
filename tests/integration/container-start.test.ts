import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startChildServer, type ChildServer } from "../helpers/child-server.js";

// The Docker image's start command (Dockerfile: ENV, USER, CMD) outside Docker. As root (CI) it runs as
// nobody, for whom the project and the working directory are read-only, like the image's /app for its user.
const NOBODY = 65534;
const canDrop = process.getuid?.() === 0 && (() => {
  try {
    execFileSync("setpriv", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const root = mkdtempSync(join(tmpdir(), "care-graph-image-"));
const cwd = join(root, "app");
const data = join(root, "data");
const tmp = join(root, "tmp");
for (const d of [cwd, data, tmp]) mkdirSync(d);
chmodSync(root, 0o755);
chmodSync(cwd, 0o755);
if (canDrop) for (const d of [data, tmp]) chownSync(d, NOBODY, NOBODY);
let child: ChildServer | undefined;
afterAll(() => {
  child?.proc.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

describe("the container's start command", () => {
  it("as an unprivileged user: serves on 0.0.0.0, answers /healthz, writes only to the data volume, runs no experiment", async () => {
    child = await startChildServer(
      // tmp stands for the container's own /tmp (tsx's cache, when dist/ is not built).
      { NODE_ENV: "production", CARE_GRAPH_DB: join(data, "care-graph.sqlite"), HOST: "0.0.0.0", CARE_GRAPH_API_KEYS: "k", TMPDIR: tmp },
      { args: ["start", "--no-experiment"], cwd, runAs: canDrop ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] : [] },
    );
    expect(child.output()).toMatch(/Serving on http:\/\/0\.0\.0\.0:\d+/);
    expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
    // The demo customers were seeded into the empty database, and no experiment ran.
    const customers = await (await fetch(`${child.url}/v1/customers?limit=1`, { headers: { authorization: "Bearer k" } })).json();
    expect(customers.total).toBe(200);
    expect(child.output()).not.toMatch(/Experiment /);
    expect(readdirSync(data).filter((f) => !f.startsWith("care-graph.sqlite"))).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
    expect(statSync(join(data, "care-graph.sqlite")).uid).toBe(canDrop ? NOBODY : process.getuid?.());
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });
});
