import { expect, it } from "vitest";
import { describeBrowser, pagesServerAndBrowser, signIn } from "../helpers/browser.js";

describeBrowser("signing in, in Chromium", () => {
  const t = pagesServerAndBrowser([["ana", "agent"]]);

  it("signs an agent in through the form, loads htmx from our own route, and signs out", async () => {
    const context = await t.browser.newContext();
    const page = await context.newPage();
    const outside: string[] = [];
    page.on("request", (r) => void (new URL(r.url()).origin !== t.s.url && outside.push(r.url())));
    await signIn(page, t.s.url, "ana");
    expect(new URL(page.url()).pathname).toBe("/console/inbox");
    await expect.poll(() => page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe("object");
    await expect.poll(() => page.getByText("ana · agente").isVisible()).toBe(true);
    expect(outside).toEqual([]);
    await page.getByRole("button", { name: "Salir" }).click();
    await page.waitForURL((u) => u.pathname === "/console/login");
    await page.goto(`${t.s.url}/console/inbox`);
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await context.close();
  });

  it("shows the error and stays on the login after a wrong password", async () => {
    const page = await t.browser.newPage();
    await page.goto(`${t.s.url}/console/login`);
    await page.getByLabel("Usuario").fill("ana");
    await page.getByLabel("Contraseña").fill("no-es-la-clave");
    await page.getByRole("button", { name: "Entrar" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Usuario o contraseña incorrectos.");
    await page.close();
  });
});
