import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import type { Page } from "playwright-core";
import { EXPORT_COLUMNS } from "../../src/app/interactions-export.js";
import { parseCsv } from "../../src/store/csv.js";
import { describeBrowser, pagesServerAndBrowser, signIn } from "../helpers/browser.js";

const TABS = ["simulacion", "conversaciones", "outreach", "metricas", "recomendaciones"];

describeBrowser("the operator's dashboard, in Chromium", () => {
  const t = pagesServerAndBrowser([["olga", "operator"], ["ana", "agent"]]);

  /** Script errors, CSP refusals and failed requests of ours (the browser's own favicon guess aside) fail the test. */
  const watch = (page: Page) => {
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => void (m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text())));
    page.on("response", (r) => void (r.status() >= 400 && !r.url().endsWith("/favicon.ico") && problems.push(`${r.status()} ${r.url()}`)));
    return problems;
  };
  const points = (page: Page) => page.locator('[data-chart-box="reward"]').getAttribute("data-points");

  it("an operator generates customers, runs an iteration, sees the progress bar finish and the chart gain a point, and exports the CSV", async () => {
    const context = await t.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems = watch(page);
    await signIn(page, t.s.url, "olga");
    expect(new URL(page.url()).pathname).toBe("/console/metricas");

    await page.goto(`${t.s.url}/console/simulacion`);
    await page.locator("#f-customers").fill("40");
    await page.locator("#f-share_angry").fill("0.6");
    await expect.poll(() => page.locator('output[for="f-share_angry"]').textContent()).toBe("60 %");
    await page.getByRole("button", { name: "Generar clientes" }).click();
    await expect.poll(() => page.locator("#sim-result p[role=status]").textContent()).toMatch(/^40 clientes generados en el conjunto d7n40a60v50/);
    expect(await points(page)).toBe("0");

    await page.getByRole("button", { name: "Correr una iteración" }).click();
    await page.locator("#job-progress").waitFor();
    await page.locator("#job-progress[data-finished]").waitFor({ timeout: 30_000 });
    await expect.poll(() => points(page)).toBe("1");
    await expect.poll(() => page.locator('[data-chart-box="reward"] canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator("#sim-result p[role=status]").textContent()).toMatch(/^Listo: iteración 1\./);

    await page.getByRole("button", { name: "Correr una iteración" }).click();
    await expect.poll(() => page.locator("#sim-result p[role=status]").textContent(), { timeout: 30_000 }).toMatch(/^Listo: iteración 2\./);
    await expect.poll(() => points(page)).toBe("2");

    // Every tab renders for the operator, without a script error (tests/browser/pages.test.ts scans each for accessibility).
    for (const tab of TABS) {
      const r = await page.goto(`${t.s.url}/console/${tab}`);
      expect(r?.status(), tab).toBe(200);
      expect(await page.locator('.tabs a[aria-current="page"]').getAttribute("href")).toBe(`/console/${tab}`);
    }
    // Back on Simulación, the sliders and the chart are the last run's.
    await page.goto(`${t.s.url}/console/simulacion`);
    expect(await page.locator("#f-customers").inputValue()).toBe("40");
    expect(await points(page)).toBe("2");
    // Outreach: the dataset's 20 silent customers (top N 30), ranked, each with the message iteration 2 sent.
    await page.goto(`${t.s.url}/console/outreach`);
    expect(await page.locator("tbody tr").count()).toBe(20);
    expect(await page.locator("tbody tr", { hasText: "(iteración 2)" }).count()).toBe(20);
    await page.goto(`${t.s.url}/console/metricas`);
    await expect.poll(() => page.locator(".chart canvas").count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByText("Resolución sin persona").count()).toBe(1);

    await page.goto(`${t.s.url}/console/conversaciones?segment=VE`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Exportar CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^interacciones-\d{4}-\d\d-\d\d\.csv$/);
    const [header, ...rows] = parseCsv(readFileSync((await download.path())!, "utf8"));
    expect(header).toEqual([...EXPORT_COLUMNS]);
    const logged = await t.s.rt.store.interactions.list({ segment: "VE" });
    expect(rows.length).toBe(logged.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r[EXPORT_COLUMNS.indexOf("segment")]))).toEqual(new Set(["VE"]));
    expect(problems).toEqual([]);
    await context.close();
  });

  it("refuses the dashboard's pages to an agent (403) and a form without its CSRF token", async () => {
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await signIn(page, t.s.url, "ana");
    for (const tab of [...TABS, "conversaciones.csv"]) expect((await page.goto(`${t.s.url}/console/${tab}`))?.status(), tab).toBe(403);
    expect((await page.request.post(`${t.s.url}/console/simulacion/clientes`, { form: { customers: "20" } })).status()).toBe(403);
    await context.close();

    const operator = await t.browser.newContext();
    const op = await operator.newPage();
    await signIn(op, t.s.url, "olga");
    expect((await op.request.post(`${t.s.url}/console/simulacion/clientes`, { form: { customers: "20" } })).status()).toBe(403);
    await operator.close();
  });
});
