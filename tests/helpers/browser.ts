import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { addUser } from "../../src/app/people.js";
import type { Role } from "../../src/domain/user.js";
import { freshSchema, pgReachable, url as pgUrl } from "../contract/backends.js";
import { testApp } from "./app.js";
import { testRuntime, tempDbPath } from "./runtime.js";

/** Debian's Chromium (`apt-get install -y chromium`): these tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium is required in CI and missing at ${CHROMIUM} (apt-get install -y chromium)`);
if (!available) console.warn(`Chromium not found at ${CHROMIUM}: the browser tests are skipped (apt-get install -y chromium; under CI this is an error)`);

/** `describe` for browser tests: skipped, with the warning above, where there is no Chromium. */
export const describeBrowser = available ? describe : describe.skip;

/** The flags this machine's closed network needs (no background calls to Google's hosts). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export const TEST_PASSWORD = "contraseña-de-prueba";

export interface PagesServer {
  url: string;
  rt: CareRuntime;
  addUser(name: string, role: Role, password?: string): Promise<void>;
  close(): Promise<void>;
}

/** The whole app (API with key "k", console, web chat, an in-process worker) listening on a free port. */
export async function startPagesServer(o: { backend?: "sqlite" | "postgres" } = {}): Promise<PagesServer> {
  const backend = o.backend ?? "sqlite";
  if (backend === "postgres" && !pgReachable) throw new Error("PostgreSQL is not reachable: guard the test with pgReachable");
  const file = backend === "sqlite" ? tempDbPath() : undefined;
  const schema = backend === "postgres" ? freshSchema() : undefined;
  const rt = await testRuntime(file ? { dbPath: file.path } : { database: { postgres: pgUrl, schema: schema!.schema } });
  const app = testApp(rt);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rt,
    addUser: async (name, role, password = TEST_PASSWORD) => void (await addUser(rt.store, { name, role, password })),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await rt.close();
      file?.cleanup();
      await schema?.drop();
    },
  };
}

/** Through the login form, as a person does; waits for the page the login leads to. */
export async function signIn(page: Page, url: string, name: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${url}/console/login`);
  await page.getByLabel("Usuario").fill(name);
  await page.getByLabel("Contraseña").fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith("/login")), page.getByRole("button", { name: "Entrar" }).click()]);
}

/**
 * A describe block's server and browser: started before its tests with these people signed up, closed after them.
 * Read `t.s` and `t.browser` inside the tests (they exist once beforeAll has run).
 */
export function pagesServerAndBrowser(people: ReadonlyArray<readonly [string, Role]>): { s: PagesServer; browser: Browser } {
  const t = {} as { s: PagesServer; browser: Browser };
  beforeAll(async () => {
    [t.s, t.browser] = await Promise.all([startPagesServer(), launchChromium()]);
    for (const [name, role] of people) await t.s.addUser(name, role);
  });
  afterAll(async () => {
    await t.browser?.close();
    await t.s?.close();
  });
  return t;
}
