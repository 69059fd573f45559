import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { join } from "node:path";
import { webChatThread } from "../../src/app/web-chat.js";
import { gzippedSize } from "../../src/server/pages/assets.js";
import { PROJECT_ROOT, loadWebChatTexts } from "../../src/store/assets.js";
import { formatPesos, loadToolData, simulateFinancing } from "../../src/tools/index.js";
import { pgReachable } from "../contract/backends.js";
import { addAgents } from "../helpers/agents.js";
import { describeBrowser, launchChromium, startPagesServer, type PagesServer } from "../helpers/browser.js";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const ANSWER = "Hola, soy Ana. Con gusto te ayudo con el Versa.";
const texts = loadWebChatTexts();

/** What the customer sends, as a person does: typed, then Enter; answers once the turn's stream has ended. */
async function say(page: Page, text: string): Promise<void> {
  const sent = await page.locator(".msg-customer").count();
  await page.getByLabel(texts.message_label).fill(text);
  await page.getByLabel(texts.message_label).press("Enter");
  // The customer's line is the stream's first piece; the log is busy (aria-busy) until the stream's end.
  await expect.poll(() => page.locator(".msg-customer").count()).toBe(sent + 1);
  await expect.poll(() => page.locator("#chat-log").getAttribute("aria-busy")).toBe("false");
}

/** On SQLite (the screenshots) and, where it is reachable, PostgreSQL: its live changes travel by NOTIFY. */
const backends = [{ backend: "sqlite" as const }, ...(pgReachable ? [{ backend: "postgres" as const }] : [])];

describeBrowser.each(backends)("a customer on the web chat, in Chromium ($backend)", ({ backend }) => {
  let s: PagesServer;
  let browser: Browser;
  const shot = (name: string) => (backend === "sqlite" ? join(PROJECT_ROOT, "docs/screenshots", name) : undefined);
  beforeAll(async () => {
    [s, browser] = await Promise.all([startPagesServer({ backend }), launchChromium()]);
    // The agent the machine acts for over the API (below).
    await addAgents(s.rt.store);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it("asks for a car and a plan, sees the cards and the payment, gets a person whose answer arrives live; a reload keeps it all", async () => {
    const customer = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await customer.newPage();
    const outside: string[] = [];
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).origin !== s.url) outside.push(r.url());
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${s.url}/chat`);

    await say(page, "busco un Versa 2020");
    const card = page.locator(".car-card").filter({ hasText: "Nissan Versa" });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain("$265,999.00");
    expect(await card.textContent()).toContain("45,837 km");
    expect(await card.textContent()).toContain("2020");

    await say(page, "¿cuánto pagaría al mes con 20% de enganche a 48 meses?");
    const plan = simulateFinancing(loadToolData().financing, { price: 265_999, downPayment: 53_199.8, termMonths: 48 });
    if (!plan.ok) throw new Error("the golden plan is refused");
    const monthly = formatPesos(plan.plans[0]!.monthly_payment_cents);
    await expect.poll(() => page.locator(".msg-bot").last().textContent()).toContain(monthly);

    await say(page, "quiero hablar con una persona");
    await expect.poll(() => page.locator("#chat-person").textContent()).toBe(texts.waiting);
    await page.screenshot({ path: shot("chat-conversation-phone.png") });
    // A mark that only this page load holds: the person's answer must arrive without a reload.
    await page.evaluate(() => void ((window as { loaded?: number }).loaded = 1));

    // The agent, in another context: the hand-off claimed and answered with the machines' API key.
    const agent = await browser.newContext();
    const api = (path: string, data: unknown) => agent.request.post(`${s.url}${path}`, { headers: { "x-api-key": "k" }, data });
    const thread = await page.context().cookies().then((cs) => webChatThread(cs.find((c) => c.name === "cg_chat")!.value));
    const h = (await s.rt.store.handoffs.onThread(thread))!;
    const id = encodeURIComponent(h.interaction_id);
    expect((await api(`/v1/handoffs/${id}/claim`, { agent: "ana" })).status()).toBe(200);
    await expect.poll(() => page.locator(".notice-joined").textContent()).toBe("ana se unió a la conversación.");
    expect(await page.locator("#chat-person").textContent()).toBe("");
    expect((await api(`/v1/handoffs/${id}/resolve`, { agent: "ana", response: { type: "response", args: ANSWER } })).status()).toBe(200);
    await expect.poll(() => page.locator(".msg-person").last().textContent()).toContain(ANSWER);
    expect(await page.evaluate(() => (window as { loaded?: number }).loaded)).toBe(1);
    await page.screenshot({ path: shot("chat-person-phone.png") });
    await agent.close();

    // Text is text: markup the customer writes is shown as written, and runs nothing.
    await say(page, `<img src=x onerror="window.pwned=1">`);
    await expect.poll(() => page.locator(".msg-customer").last().textContent()).toContain(`<img src=x onerror="window.pwned=1">`);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();

    // The conversation survives a reload: every line, the cards, the person's answer, each once.
    const before = await page.locator("#chat-log > li").allTextContents();
    await page.reload();
    expect(await page.locator("#chat-log > li").allTextContents()).toEqual(before);
    expect(await page.locator(".car-card").count()).toBe(1);
    expect(await page.locator(".msg-person").count()).toBe(1);

    // A phone-sized screen: nothing wider than the screen, the form in view.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await page.getByRole("button", { name: texts.send }).isVisible()).toBe(true);
    const box = await page.getByLabel(texts.message_label).boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);

    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    // Our own script only, well under the budget of 60 KB of JavaScript per page; nothing from elsewhere.
    expect([...new Set(scripts)]).toEqual(["/assets/chat.js"]);
    expect(gzippedSize("chat.js")!).toBeLessThan(60 * 1024);
    expect(outside).toEqual([]);

    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: shot("chat-conversation-desktop.png") });
    await customer.close();
  });

  it("works without JavaScript: the form posts and the page comes back with the answer", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${s.url}/chat`);
    await page.getByLabel(texts.message_label).fill("busco un Versa 2020");
    await Promise.all([page.waitForURL((u) => u.pathname === "/chat"), page.getByRole("button", { name: texts.send }).click()]);
    await expect.poll(() => page.locator(".car-card").filter({ hasText: "Nissan Versa" }).count()).toBe(1);
    await context.close();
  });
});
