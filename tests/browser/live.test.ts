import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { describeBrowser, pagesServerAndBrowser, signIn } from "../helpers/browser.js";

/**
 * The live stream as the console's pages use it: htmx's SSE extension in Chromium, on a signed-in page (its CSP,
 * its cookie), with the two ways a page listens: `sse-swap="handoffs"` (the event's data swapped in) and
 * `hx-trigger="sse:line"` (a request of the page's own when the event comes).
 */
describeBrowser("live updates in Chromium with htmx's SSE extension", () => {
  const t = pagesServerAndBrowser([["ana", "agent"]]);

  it("a hand-off opened and a line appended reach an htmx page without a reload", async () => {
    const page = await t.browser.newPage();
    await signIn(page, t.s.url, "ana");
    await page.addScriptTag({ url: "/assets/sse.js" });
    // What an inbox page would render: the listeners inside the element that holds the connection.
    await page.evaluate(() => {
      const box = document.createElement("div");
      box.id = "live";
      box.addEventListener("htmx:sseOpen", () => box.setAttribute("data-open", ""));
      box.setAttribute("hx-ext", "sse");
      box.setAttribute("sse-connect", "/console/events");
      box.innerHTML = '<ul id="swapped" sse-swap="handoffs" hx-swap="beforeend"></ul><div hx-trigger="sse:line" hx-get="/console/live-probe" hx-swap="none"></div>';
      document.body.append(box);
      (window as unknown as { htmx: { process(e: Element): void } }).htmx.process(box);
    });
    // Open: subscribed (the server subscribes before it answers).
    await page.locator("#live[data-open]").waitFor({ state: "attached" });

    const thread = randomUUID();
    await t.s.rt.store.handoffs.open({ interaction_id: `${thread}:h`, thread_id: thread, customer_id: "c-web", reason: "human_request", priority: 5, draft: null, experiment_id: null });
    await page.locator("#swapped").getByText(thread).waitFor();
    expect(JSON.parse((await page.locator("#swapped").textContent())!)).toEqual({ interaction_id: `${thread}:h`, what: "opened", thread_id: thread, customer_id: "c-web" });

    const probe = page.waitForRequest((r) => r.url().endsWith("/console/live-probe"));
    await t.s.rt.store.transcript.append([{ key: `${thread}:1`, line: { thread_id: thread, customer_id: "c-web", channel: "web", author: "customer", text: "hola" } }]);
    await probe;

    // Whatever else the page had open on the stream, nothing is left once it is gone.
    await page.close();
    await expect.poll(() => t.s.rt.live.stats().subscribers).toBe(0);
  });
});
