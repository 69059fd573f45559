import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/store/assets.js";
import { describeBrowser, launchChromium, signIn, startPagesServer, type PagesServer } from "../helpers/browser.js";
import { PAGE_USERS, PAGES, seedPages, type ConsolePage, type PagesSeed } from "../helpers/pages.js";

/**
 * What every page must pass, whoever wrote it (the list: tests/helpers/pages.ts): no serious or critical
 * accessibility violation at phone and desktop sizes, at most 60 KB of JavaScript gzipped, and screenshots of
 * both sizes in docs/screenshots/ for the README (look at them).
 */
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;
const JS_BUDGET_BYTES = 60 * 1024;
const SHOTS = join(PROJECT_ROOT, "docs/screenshots");

describeBrowser("every page", () => {
  let server: PagesServer;
  let browser: Browser;
  let seed: PagesSeed;

  beforeAll(async () => {
    server = await startPagesServer({ backend: "sqlite" });
    for (const [role, name] of Object.entries(PAGE_USERS)) await server.addUser(name, role as keyof typeof PAGE_USERS);
    seed = await seedPages(server.rt);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A context of this size, signed in as the page's role; the HTTP cache off, so every script is counted. */
  async function contextFor(page: ConsolePage, size: keyof typeof SIZES): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: SIZES[size], deviceScaleFactor: 1, locale: "es-MX", timezoneId: "America/Mexico_City" });
    // Playwright turns the HTTP cache off for a context with a route: the login's scripts are fetched again.
    await context.route("**/*", (route) => route.continue());
    if (page.role) await signIn(await context.newPage(), server.url, PAGE_USERS[page.role]);
    return context;
  }

  /** Serious or critical only: the issue's bar. Each with where it is, to fix it from the failure alone. */
  const blocking = (violations: Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"]) =>
    violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, where: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));

  describe.each(PAGES)("page $name", (page) => {
    for (const size of Object.keys(SIZES) as Array<keyof typeof SIZES>) {
      it(`at ${size} size: accessible, within the JavaScript budget, screenshot saved`, async () => {
        const context = await contextFor(page, size);
        try {
          const tab = await context.newPage();
          const scripts: Array<Promise<{ url: string; gzip: number }>> = [];
          tab.on("response", (r) => {
            if (r.request().resourceType() === "script") scripts.push(r.body().then((b) => ({ url: r.url(), gzip: gzipSync(b).length })));
          });
          const response = await tab.goto(server.url + page.path(seed), { waitUntil: "load" });
          expect(response?.status(), `${page.name} answered`).toBe(200);
          expect(new URL(tab.url()).pathname, "not sent to the login").toBe(new URL(server.url + page.path(seed)).pathname);

          const loaded = await Promise.all(scripts);
          const total = loaded.reduce((n, s) => n + s.gzip, 0);
          expect(loaded.length, "htmx at least").toBeGreaterThan(0);
          expect(total, `JavaScript gzipped: ${loaded.map((s) => `${new URL(s.url).pathname} ${s.gzip}`).join(", ")}`).toBeLessThanOrEqual(JS_BUDGET_BYTES);

          const scan = await new AxeBuilder({ page: tab }).analyze();
          expect(blocking(scan.violations)).toEqual([]);

          // Times differ from run to run: masked, so the pictures only change when the page does.
          await tab.screenshot({ path: join(SHOTS, `${page.name}-${size}.png`), fullPage: true, mask: [tab.locator("time")], maskColor: "#d9dde3", animations: "disabled" });
        } finally {
          await context.close();
        }
      }, 60_000);
    }
  });
});
