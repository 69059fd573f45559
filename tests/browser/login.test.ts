import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { describeBrowser, launchChromium, signIn, startPagesServer, type PagesServer } from "../helpers/browser.js";

describeBrowser("signing in, in Chromium", () => {
  let s: PagesServer;
  let browser: Browser;
  beforeAll(async () => {
    [s, browser] = await Promise.all([startPagesServer(), launchChromium()]);
    await s.addUser("ana", "agent");
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it("signs an agent in through the form, loads htmx from our own route, and signs out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const outside: string[] = [];
    page.on("request", (r) => void (new URL(r.url()).origin !== s.url && outside.push(r.url())));
    await signIn(page, s.url, "ana");
    expect(new URL(page.url()).pathname).toBe("/console/inbox");
    await expect.poll(() => page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe("object");
    await expect.poll(() => page.getByText("ana · agente").isVisible()).toBe(true);
    expect(outside).toEqual([]);
    await page.getByRole("button", { name: "Salir" }).click();
    await page.waitForURL((u) => u.pathname === "/console/login");
    await page.goto(`${s.url}/console/inbox`);
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await context.close();
  });

  it("shows the error and stays on the login after a wrong password", async () => {
    const page = await browser.newPage();
    await page.goto(`${s.url}/console/login`);
    await page.getByLabel("Usuario").fill("ana");
    await page.getByLabel("Contraseña").fill("no-es-la-clave");
    await page.getByRole("button", { name: "Entrar" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Usuario o contraseña incorrectos.");
    await page.close();
  });
});
