import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeBrowser, launchChromium, signIn, startPagesServer, type PagesServer } from "../helpers/browser.js";

/**
 * An agent works what the conversation graph opened over the chat API: a customer's complaint becomes a ticket,
 * which the agent finds in /console/desk, adds a note to and closes with a resolution, seeing each status change in
 * place (htmx, no reload); an offer for a customer's car becomes a lead, which the agent moves forward.
 */
describeBrowser("the support desk in a browser", () => {
  let server: PagesServer;
  let browser: Browser;
  let folio: string;
  const customerText = "no me han entregado las placas de mi carro y ya pagué $3,500 del trámite <img src=x onerror=alert(1)>";

  beforeAll(async () => {
    server = await startPagesServer({ backend: "sqlite" });
    await server.addUser("ana", "agent");
    browser = await launchChromium();
    const reply = await say(randomUUID(), "desk-c1", customerText);
    folio = /KV-\d{6}/.exec(reply)?.[0] ?? "";
    expect(folio, reply).not.toBe("");
  }, 60_000);

  /** One customer message over the chat API, as the web chat sends it; the bot's reply. */
  async function say(thread: string, customer: string, message: string): Promise<string> {
    const r = await fetch(`${server.url}/v1/chats/${thread}/messages`, {
      method: "POST",
      headers: { "x-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({ message, customer_id: customer, channel: "web" }),
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { reply: string }).reply;
  }

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("an agent sees the graph's ticket, adds a note, closes it with a resolution, and sees the status change", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const alerts: string[] = [];
    page.on("dialog", (d) => void (alerts.push(d.message()), d.dismiss()));
    await signIn(page, server.url, "ana");

    await page.goto(`${server.url}/console/desk`);
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: folio }) });
    await expect.poll(() => row.getByText("Abierto").count()).toBe(1);
    await row.getByRole("link", { name: folio }).click();
    await page.waitForURL(`**/console/desk/tickets/${folio}`);
    // The customer's words, markup and all, are text: the conversation and the summary show them, nothing runs.
    await expect.poll(() => page.locator(".desk-conversation").getByText("onerror=alert(1)").count()).toBe(1);
    expect(await page.locator("img[src=x]").count()).toBe(0);

    // htmx swaps the panel: the page is not reloaded (a mark set on it survives), and the badge changes.
    await page.evaluate(() => ((window as unknown as { deskMark: number }).deskMark = 1));
    await page.getByLabel("Nota", { exact: true }).fill("Hablé con la gestoría: las placas salen el viernes.");
    await page.getByRole("button", { name: "Agregar nota" }).click();
    await page.getByRole("status").filter({ hasText: "Nota agregada." }).waitFor();
    await page.locator(".desk-head").getByText("En proceso").waitFor();
    expect(await page.locator(".desk-notes").innerText()).toContain("Hablé con la gestoría");

    await page.getByLabel("Resolución", { exact: true }).fill("Se entregaron las placas al cliente.");
    await page.getByRole("button", { name: "Cerrar ticket" }).click();
    await page.getByRole("status").filter({ hasText: "Ticket cerrado." }).waitFor();
    await page.locator(".desk-head").getByText("Cerrado").waitFor();
    expect(await page.locator(".desk-resolution").innerText()).toBe("Se entregaron las placas al cliente.");
    expect(await page.locator(".desk-history").innerText()).toMatch(/ana cerró el ticket/);
    expect(await page.getByRole("button", { name: "Cerrar ticket" }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { deskMark?: number }).deskMark)).toBe(1);

    // In the list, filtered by status: among the closed, not among the open.
    await page.goto(`${server.url}/console/desk`);
    await page.getByLabel("Estado").selectOption("closed");
    await page.waitForURL(/status=closed/);
    await page.locator("#desk-list").getByRole("link", { name: folio }).waitFor();
    await page.getByLabel("Estado").selectOption("open");
    await page.waitForURL(/status=open/);
    await expect.poll(() => page.locator("#desk-list").getByRole("link", { name: folio }).count()).toBe(0);

    expect(alerts).toEqual([]);
    expect(await server.rt.store.tickets.get(folio)).toMatchObject({ status: "closed", resolution: "Se entregaron las placas al cliente.", notes: [{ author: "ana" }] });
    expect((await server.rt.store.audit.list(`ticket:${folio}`)).map((e) => [e.actor, e.action])).toEqual([
      ["ana", "ticket.note"],
      ["ana", "ticket.in_progress"],
      ["ana", "ticket.closed"],
    ]);
    await context.close();
  }, 60_000);

  it("an agent finds the lead the graph made for a customer's car, by kind, and moves it to contacted, then closed", async () => {
    const thread = randomUUID();
    await say(thread, "desk-c2", "quiero vender mi carro, es un aveo 2015");
    await say(thread, "desk-c2", "tiene 80 mil km");
    const [lead] = await server.rt.store.leads.byCustomer("desk-c2");
    expect(lead).toMatchObject({ kind: "sell_car", status: "new" });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, server.url, "ana");
    await page.goto(`${server.url}/console/desk/leads`);
    await page.getByLabel("Tipo").selectOption("sell_car");
    await page.waitForURL(/kind=sell_car/);
    await page.locator("#desk-list").getByRole("link", { name: `#${lead!.id}` }).click();
    await page.waitForURL(`**/console/desk/leads/${lead!.id}`);
    expect(await page.locator(".facts").innerText()).toContain("Chevrolet Aveo 2015");
    await page.getByRole("button", { name: "Marcar como contactado" }).click();
    await page.locator(".desk-head").getByText("Contactado").waitFor();
    await page.getByRole("button", { name: "Cerrar lead" }).click();
    await page.locator(".desk-head").getByText("Cerrado").waitFor();
    // Forward only: a closed lead offers no moves.
    expect(await page.locator(".desk-moves").count()).toBe(0);
    expect((await server.rt.store.audit.list(`lead:${lead!.id}`)).map((e) => [e.actor, e.detail])).toEqual([
      ["ana", { to: "contacted" }],
      ["ana", { to: "closed" }],
    ]);
    await context.close();
  }, 60_000);
});
