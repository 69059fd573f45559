import { randomUUID } from "node:crypto";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { runOnThread } from "../../src/app/contacts.js";
import { describeBrowser, pagesServerAndBrowser, signIn } from "../helpers/browser.js";

/** New hand-offs and customer messages must show within this long, without a reload (issue 12). */
const LIVE_MS = 2_000;
const HOSTILE = `<script>window.__xss = "script"</script><img src=x onerror="window.__xss = 'img'"> quiero hablar con una persona`;

describeBrowser("the inbox, in Chromium", () => {
  const t = pagesServerAndBrowser([["ana", "agent"], ["luis", "agent"]]);

  /** Signed in, on `path`, with its live stream open (its response's headers come once the server listens). */
  async function agentOn(name: string, path: string): Promise<Page> {
    const page = await (await t.browser.newContext()).newPage();
    await signIn(page, t.s.url, name);
    // Off the page the login led to first: its own stream's answer must not be taken for the next page's.
    await page.goto("about:blank");
    const live = page.waitForResponse((r) => /\/events$/.test(new URL(r.url()).pathname));
    await page.goto(`${t.s.url}${path}`);
    await live;
    return page;
  }
  const say = (thread: string, message: string) =>
    fetch(`${t.s.url}/v1/chats/${thread}/messages`, { method: "POST", headers: { "x-api-key": "k", "content-type": "application/json" }, body: JSON.stringify({ message, channel: "web" }) });
  const caseUrl = (id: string) => `/console/inbox/h/${encodeURIComponent(id)}`;
  const row = (page: Page, id: string) => page.locator(`tr[data-id="${id}"]`);

  it("a hand-off appears live; the agent claims it, edits the draft, sends it and hands the chat back", async () => {
    const ana = await agentOn("ana", "/console/inbox");
    const customer = (await t.s.rt.store.customers.list({ limit: 1 }))[0]!;
    const { outcome } = await runOnThread(t.s.rt, { customer_id: customer.customer_id, context: { churn_threshold: 0 } });
    expect(outcome.status).toBe("handed_off");
    await row(ana, outcome.interaction_id).waitFor({ timeout: LIVE_MS });

    await row(ana, outcome.interaction_id).getByRole("link").click();
    await ana.getByRole("button", { name: "Tomar", exact: true }).click();
    const edit = ana.getByLabel("Editar el borrador");
    await edit.waitFor();
    expect(await edit.inputValue()).toBe(outcome.interaction!.message);
    await edit.fill("Hola, soy Ana. Te llamo hoy para revisar tu auto.");
    await ana.getByRole("button", { name: "Enviar el borrador editado" }).click();
    await ana.getByText("Resuelta: borrador editado, por ana.").waitFor();
    expect(await t.s.rt.store.interactions.get(outcome.interaction_id)).toMatchObject({ human_action: "edit", message: "Hola, soy Ana. Te llamo hoy para revisar tu auto." });

    await ana.getByRole("button", { name: "Devolver al bot" }).click();
    await ana.waitForURL((u) => u.pathname === "/console/inbox");
    expect((await t.s.rt.store.ownership.get(customer.customer_id)).owner).toBe("bot");
    await ana.context().close();
  });

  it("a second agent sees the chat taken and cannot act on it; the customer's new words show live, as text", async () => {
    const ana = await agentOn("ana", "/console/inbox");
    const thread = randomUUID();
    const asked = Date.now();
    expect((await say(thread, HOSTILE)).status).toBe(202);
    const h = (await t.s.rt.store.handoffs.onThread(thread))!;
    await row(ana, h.interaction_id).waitFor({ timeout: LIVE_MS - (Date.now() - asked) });

    await ana.goto(`${t.s.url}${caseUrl(h.interaction_id)}`);
    await ana.getByRole("button", { name: "Tomar", exact: true }).click();
    await ana.getByText("La tienes tú.").waitFor();

    // Luis, in another browser context: who has it, and no action of his own.
    const luis = await agentOn("luis", caseUrl(h.interaction_id));
    await luis.getByText("Tomada por ana").waitFor();
    expect(await luis.locator("#case-state button").count()).toBe(0);
    expect(await luis.locator("textarea").count()).toBe(0);
    // Nor does the server take his answer, sent as the page would (his session, his CSRF token).
    const refused = await luis.evaluate(async (url) => {
      const token = JSON.parse(document.body.getAttribute("hx-headers")!)["X-CSRF-Token"];
      const r = await fetch(`${url}/answer`, { method: "POST", headers: { "X-CSRF-Token": token, "content-type": "application/x-www-form-urlencoded" }, body: "type=response&text=Soy%20Luis" });
      return r.status;
    }, caseUrl(h.interaction_id));
    expect(refused).toBe(409);

    // The customer's hostile text is on Ana's screen as text, and nothing in it ran.
    await ana.getByText("window.__xss", { exact: false }).first().waitFor();
    expect(await ana.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await ana.locator("#lines img").count()).toBe(0);

    // The customer writes again: Ana's view shows it without a reload.
    const before = await ana.evaluate(() => performance.timeOrigin);
    const wrote = Date.now();
    expect((await say(thread, "¿sigue alguien ahí?")).status).toBe(202);
    await ana.getByText("¿sigue alguien ahí?").waitFor({ timeout: LIVE_MS - (Date.now() - wrote) });
    expect(await ana.evaluate(() => performance.timeOrigin)).toBe(before); // the same document: no reload

    await ana.getByLabel("Tu respuesta").fill("Aquí estoy, soy Ana.");
    await ana.getByRole("button", { name: "Responder", exact: true }).click();
    await ana.getByText("Aquí estoy, soy Ana.").first().waitFor();
    expect(await t.s.rt.store.handoffs.get(h.interaction_id)).toMatchObject({ status: "resolved", resolution: "response" });
    // Luis's view learns it is resolved, live.
    await luis.getByText("Resuelta: respondida, por ana.").waitFor({ timeout: LIVE_MS });
    await ana.getByRole("button", { name: "Devolver al bot" }).click();
    await ana.waitForURL((u) => u.pathname === "/console/inbox");
    expect(await ana.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    await ana.context().close();
    await luis.context().close();
  });

  it("the queue and a case, at phone and desktop widths, have no serious or critical accessibility violations", async () => {
    const { outcome } = await runOnThread(t.s.rt, { customer_id: (await t.s.rt.store.customers.list({ limit: 2 }))[1]!.customer_id, context: { churn_threshold: 0 } });
    const ana = await agentOn("ana", "/console/inbox");
    await ana.goto(`${t.s.url}${caseUrl(outcome.interaction_id)}`);
    await ana.getByRole("button", { name: "Tomar", exact: true }).click();
    await ana.getByText("La tienes tú.").waitFor();
    for (const width of [390, 1280]) {
      await ana.setViewportSize({ width, height: 900 });
      for (const path of ["/console/inbox", caseUrl(outcome.interaction_id)]) {
        await ana.goto(`${t.s.url}${path}`);
        const { violations } = await new AxeBuilder({ page: ana }).analyze();
        expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${path} @${width}: ${v.id} ${v.nodes.map((n) => n.target).join(" ")}`)).toEqual([]);
      }
    }
    await ana.context().close();
  });

  it("a live refresh keeps the filters the agent chose", async () => {
    const ana = await agentOn("ana", "/console/inbox");
    const filtered = ana.waitForResponse((r) => r.url().includes("/console/inbox/queue?") && r.url().includes("claimed=mine"));
    await ana.getByLabel("Asignación").selectOption("mine");
    await filtered;
    const refreshed = ana.waitForResponse((r) => r.url().includes("/console/inbox/queue?"));
    const thread = randomUUID();
    expect((await say(thread, "quiero hablar con una persona")).status).toBe(202);
    const refresh = await refreshed;
    expect(new URL(refresh.url()).searchParams.get("claimed")).toBe("mine");
    await refresh.finished();
    const id = (await t.s.rt.store.handoffs.onThread(thread))!.interaction_id;
    expect(await row(ana, id).count()).toBe(0); // unclaimed: not "mine"
    await ana.getByLabel("Asignación").selectOption("unclaimed");
    await row(ana, id).waitFor();
    await ana.context().close();
  });
});
