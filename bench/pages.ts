/**
 * What each page of the console and the web chat costs (the list: tests/helpers/pages.ts): the JavaScript and
 * CSS a browser downloads (gzipped, as the per-page budget counts them), the HTML's bytes, and the server's time
 * for the page (GETs over loopback, signed in as the page's role). With --volume N, N more tickets and N more
 * leads first, to see the lists' paging at volume. Not a test: it prints figures.
 *
 *   npm run bench:pages -- [--requests 50] [--volume 10000]
 */
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import type { Role } from "../src/domain/user.js";
import type { Store } from "../src/store/ports.js";
import { startPagesServer, TEST_PASSWORD } from "../tests/helpers/browser.js";
import { PAGE_USERS, PAGES, seedPages } from "../tests/helpers/pages.js";

const { values } = parseArgs({ options: { requests: { type: "string", default: "50" }, volume: { type: "string", default: "0" } } });
const REQUESTS = Number(values.requests);
const VOLUME = Number(values.volume);

/** The cookies a response sets, as a Cookie header. */
const cookiesOf = (r: Response) =>
  r.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");

/** Signs in over HTTP as the login form does: its CSRF cookie and field, then the session cookie. */
async function signedIn(url: string, name: string): Promise<string> {
  const form = await fetch(`${url}/console/login`);
  const anon = cookiesOf(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error("no CSRF field on the login page");
  const r = await fetch(`${url}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: anon, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name, password: TEST_PASSWORD, _csrf: csrf }),
  });
  if (r.status !== 302 && r.status !== 303) throw new Error(`sign-in as ${name}: ${r.status}`);
  return cookiesOf(r);
}

/** The page's own scripts and stylesheets, as its HTML links them. */
function linked(html: string): { scripts: string[]; styles: string[] } {
  const all = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!);
  return { scripts: all(/<script[^>]*\ssrc="([^"]+)"/g), styles: all(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g) };
}

async function gzippedTotal(url: string, paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) total += gzipSync(Buffer.from(await (await fetch(new URL(p, url))).arrayBuffer())).length;
  return total;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Volume with fixed keys: tickets and leads the lists page through. */
async function addVolume(store: Store, n: number): Promise<void> {
  const buckets = ["finanzas", "mecanica", "logistica", "atencion"] as const;
  for (let i = 0; i < n; i++) {
    await store.tickets.open({ customer_id: `vol-${i}`, thread_id: null, channel: "whatsapp", issue_bucket: buckets[i % 4]!, summary: `Caso de volumen número ${i}.` }, `vol:ticket:${i}`);
    await store.leads.create(
      { kind: "sell_car", customer_id: `vol-${i}`, thread_id: null, channel: "web", car_id: null, details: { make: "Nissan", model: "Versa", year: 2019, km: 1000 + i } },
      `vol:lead:${i}`,
    );
  }
}

const server = await startPagesServer({ backend: "sqlite" });
try {
  for (const [role, name] of Object.entries(PAGE_USERS)) await server.addUser(name, role as Role);
  const seed = await seedPages(server.rt);
  if (VOLUME > 0) await addVolume(server.rt.store, VOLUME);
  const cookies = new Map<Role, string>();
  const rows = [];
  for (const page of PAGES) {
    let cookie = "";
    if (page.role) {
      if (!cookies.has(page.role)) cookies.set(page.role, await signedIn(server.url, PAGE_USERS[page.role]));
      cookie = cookies.get(page.role)!;
    }
    const url = server.url + page.path(seed);
    const get = () => fetch(url, { headers: { cookie }, redirect: "manual" });
    const first = await get();
    if (first.status !== 200) throw new Error(`${page.name}: ${first.status}`);
    const html = await first.text();
    const { scripts, styles } = linked(html);
    for (let i = 0; i < 5; i++) await (await get()).arrayBuffer(); // warm-up: compiled queries, JIT
    const ms: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      await (await get()).arrayBuffer();
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    rows.push({
      page: page.name,
      "JS gz (KB)": +((await gzippedTotal(server.url, scripts)) / 1024).toFixed(1),
      "CSS gz (KB)": +((await gzippedTotal(server.url, styles)) / 1024).toFixed(1),
      "HTML (bytes)": Buffer.byteLength(html),
      "server p50 (ms)": +quantile(ms, 0.5).toFixed(1),
      "server p95 (ms)": +quantile(ms, 0.95).toFixed(1),
    });
  }
  console.log(`pages: ${REQUESTS} GETs each over loopback, SQLite${VOLUME ? `, ${VOLUME} extra tickets and leads` : ""}`);
  console.table(rows);
} finally {
  await server.close();
}
