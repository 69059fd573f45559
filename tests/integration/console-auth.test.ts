import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hono } from "hono";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { addUser } from "../../src/app/people.js";
import type { AppEnv } from "../../src/server/env.js";
import { requireRole } from "../../src/server/middleware/session.js";
import { serverConfigFromEnv } from "../../src/server/serve.js";
import { testApp } from "../helpers/app.js";
import { TEST_PASSWORD } from "../helpers/browser.js";
import { ConsoleClient } from "../helpers/console.js";
import { testRuntime } from "../helpers/runtime.js";

let rt: CareRuntime;
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  rt = await testRuntime();
  app = testApp(rt);
  await addUser(rt.store, { name: "ana", role: "agent", password: TEST_PASSWORD });
  await addUser(rt.store, { name: "oscar", role: "operator", password: TEST_PASSWORD });
  await addUser(rt.store, { name: "lento", role: "agent", password: TEST_PASSWORD });
  await addUser(rt.store, { name: "prisa", role: "agent", password: TEST_PASSWORD });
});
afterAll(() => rt.close());

describe("signing in", () => {
  it("sends a page load without a session to the login, and back after it", async () => {
    const c = new ConsoleClient(app);
    const res = await c.request("/console");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/console/login?next=%2Fconsole");
    await c.page("/console/login?next=%2Fconsole");
    const ok = await c.form("/console/login", { name: "oscar", password: TEST_PASSWORD, next: "/console" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/console");
  });

  it("sets an HttpOnly, SameSite=Lax session cookie; Secure with the __Host- prefix only over HTTPS", async () => {
    const plain = new ConsoleClient(app);
    await plain.page("/console/login");
    const res = await plain.form("/console/login", { name: "ana", password: TEST_PASSWORD });
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith("cg_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect(res.headers.get("location")).toBe("/console/inbox");

    const tls = new ConsoleClient(app, "https://care.example");
    await tls.page("/console/login");
    const secure = await tls.form("/console/login", { name: "ana", password: TEST_PASSWORD });
    expect(secure.headers.getSetCookie().find((l) => l.startsWith("__Host-cg_session="))).toMatch(/Secure/);
  });

  it("marks cookies Secure behind a TLS proxy only when the proxy is trusted, and always with CONSOLE_SECURE_COOKIES", async () => {
    expect(serverConfigFromEnv({ CONSOLE_SECURE_COOKIES: "true" }).secureCookies).toBe(true);
    expect(serverConfigFromEnv({}).secureCookies).toBe(false);
    const sessionCookie = async (a: ReturnType<typeof testApp>, headers: Record<string, string> = {}) => {
      const c = new ConsoleClient(a, undefined, headers);
      await c.page("/console/login");
      const res = await c.form("/console/login", { name: "oscar", password: TEST_PASSWORD });
      return res.headers.getSetCookie().find((l) => /cg_session=/.test(l))!;
    };
    const proxied = { "x-forwarded-proto": "https" };
    expect(await sessionCookie(app, proxied)).toMatch(/^cg_session=(?!.*Secure)/);
    const behindProxy = testApp(rt, { cookies: { secure: false, trustProxy: 1 } });
    expect(await sessionCookie(behindProxy, proxied)).toMatch(/^__Host-cg_session=.*Secure/);
    const always = testApp(rt, { cookies: { secure: true, trustProxy: 0 } });
    expect(await sessionCookie(always)).toMatch(/^__Host-cg_session=.*Secure/);
  });

  it("answers a wrong name and a wrong password alike, and sets no session", async () => {
    const c = new ConsoleClient(app);
    await c.page("/console/login");
    const wrongPassword = await c.form("/console/login", { name: "oscar", password: "no-es-la-clave" });
    const wrongName = await c.form("/console/login", { name: "nadie", password: TEST_PASSWORD });
    expect([wrongPassword.status, wrongName.status]).toEqual([401, 401]);
    expect(await wrongPassword.text()).toContain("Usuario o contraseña incorrectos.");
    expect(await wrongName.text()).toContain("Usuario o contraseña incorrectos.");
    expect(c.cookie("cg_session")).toBeUndefined();
  });

  it("refuses a sign-in without the form's CSRF token, and one posted from another site", async () => {
    const c = new ConsoleClient(app);
    await c.page("/console/login");
    expect((await c.form("/console/login", { name: "ana", password: TEST_PASSWORD }, { csrf: false })).status).toBe(403);
    const crossSite = await c.form("/console/login", { name: "ana", password: TEST_PASSWORD }, { headers: { origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    // What the person reads is why the form was refused, not that their role cannot open the page.
    expect(await crossSite.text()).toContain("El formulario caducó o no viene de esta página.");
    expect(c.cookie("cg_session")).toBeUndefined();
  });

  it("locks a name out after 5 failures in 15 minutes, even for the right password, with Retry-After", async () => {
    const c = new ConsoleClient(app);
    await c.page("/console/login");
    for (let i = 0; i < 5; i++) expect((await c.form("/console/login", { name: "lento", password: `mala-${i}-xxxxx` })).status).toBe(401);
    const locked = await c.form("/console/login", { name: "lento", password: TEST_PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(c.cookie("cg_session")).toBeUndefined();
  });

  it("counts guesses sent all at once: no more than 5 are checked before the name is locked", async () => {
    const c = new ConsoleClient(app);
    await c.page("/console/login");
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => c.form("/console/login", { name: "prisa", password: `mala-${i}-xxxxx` })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it("never redirects to another site after signing in", async () => {
    for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example"]) {
      const c = new ConsoleClient(app);
      await c.page("/console/login");
      const res = await c.form("/console/login", { name: "oscar", password: TEST_PASSWORD, next });
      expect(res.headers.get("location")).toBe("/console");
    }
  });

  it("signing out ends the session on the server, not just in the browser", async () => {
    const c = new ConsoleClient(app);
    await c.signIn("oscar");
    const token = c.cookie("cg_session")!;
    expect((await c.request("/console")).status).toBe(302);
    const out = await c.form("/console/logout", {});
    expect(out.status).toBe(303);
    const stale = await app.request("http://127.0.0.1/console", { headers: { cookie: `cg_session=${token}` } });
    expect(stale.headers.get("location")).toMatch(/^\/console\/login/);
  });

  it("a new sign-in in the same browser ends the session it held before, and makes a new token", async () => {
    const c = new ConsoleClient(app);
    await c.signIn("oscar");
    const first = c.cookie("cg_session")!;
    await c.form("/console/logout", {});
    await c.signIn("ana");
    const second = c.cookie("cg_session")!;
    expect(second).not.toBe(first);
    // Signed in as ana over oscar's cookie without signing out: oscar's session must not live on.
    const d = new ConsoleClient(app);
    await d.signIn("oscar");
    const oscar = d.cookie("cg_session")!;
    await d.page("/console/login");
    await d.form("/console/login", { name: "ana", password: TEST_PASSWORD });
    const stale = await app.request("http://127.0.0.1/console", { headers: { cookie: `cg_session=${oscar}` } });
    expect(stale.headers.get("location")).toMatch(/^\/console\/login/);
  });

  it("serves pages with a CSP that allows only our own scripts, and never framed or cached", async () => {
    const res = await new ConsoleClient(app).request("/console/login");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("leaves the API to its keys: no CSRF token asked of an API client", async () => {
    const res = await app.request("http://127.0.0.1/v1/customers?limit=1", { headers: { authorization: "Bearer k" } });
    expect(res.status).toBe(200);
  });
});

describe("roles", () => {
  const guarded = (rt: CareRuntime) => {
    const a = new Hono<AppEnv>();
    a.use(async (c, next) => {
      const name = c.req.header("x-who");
      const u = name ? await rt.store.users.withPassword(name) : undefined;
      c.set("user", u && { id: u.user.id, name: u.user.name, role: u.user.role });
      await next();
    });
    a.get("/ops", requireRole("operator"), (c) => c.text("ok"));
    a.onError((e) => new Response(null, { status: (e as { status?: number }).status ?? 500 }));
    return a;
  };

  it("enforces roles on the server: an agent gets 403 from an operator route; an operator and an admin pass", async () => {
    await addUser(rt.store, { name: "root", role: "admin", password: TEST_PASSWORD });
    const a = guarded(rt);
    expect((await a.request("/ops", { headers: { "x-who": "ana" } })).status).toBe(403);
    expect((await a.request("/ops", { headers: { "x-who": "oscar" } })).status).toBe(200);
    expect((await a.request("/ops", { headers: { "x-who": "root" } })).status).toBe(200);
    expect((await a.request("/ops", { headers: { "hx-request": "true" } })).status).toBe(401);
  });
});
