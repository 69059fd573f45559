import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { DESK_PAGE_SIZE } from "../../src/app/desk.js";
import { addUser, openSession } from "../../src/app/people.js";
import type { Role } from "../../src/domain/user.js";
import type { LeadNew } from "../../src/domain/lead.js";
import type { TicketOpen } from "../../src/domain/ticket.js";
import { testApp } from "../helpers/app.js";
import { testRuntime } from "../helpers/runtime.js";

/** The desk's server rules: who may open it, CSRF, the forms' validation, unknown ids, and what each action does. */

const ticket = (customer: string, summary = "El auto hace un ruido al frenar."): TicketOpen => ({
  customer_id: customer,
  thread_id: null,
  channel: "whatsapp",
  issue_bucket: "mecanica",
  summary,
});
const sellCar = (customer: string): LeadNew => ({
  kind: "sell_car",
  customer_id: customer,
  thread_id: null,
  channel: "web",
  car_id: null,
  details: { make: "Nissan", model: "Versa", year: 2019, km: 45_000 },
});

let rt: CareRuntime;
let app: ReturnType<typeof testApp>;
const sessions = new Map<Role, { cookie: string; csrf: string }>();

beforeAll(async () => {
  rt = await testRuntime();
  app = testApp(rt);
  const names: Record<Role, string> = { agent: "ana", operator: "oscar", admin: "alma" };
  for (const [role, name] of Object.entries(names) as Array<[Role, string]>) {
    const user = await addUser(rt.store, { name, role, password: "contraseña-de-prueba" });
    const s = await openSession(rt.store, { id: user.id, name: user.name, role: user.role });
    sessions.set(role, { cookie: `cg_session=${s.token}`, csrf: s.csrf });
  }
});
afterAll(async () => {
  await rt.close();
});

/** A request as the signed-in role's browser makes it: htmx (X-CSRF-Token) unless `csrf` is false or a form says otherwise. */
function as(role: Role | undefined, path: string, o: { method?: string; form?: Record<string, string>; csrf?: boolean | string; htmx?: boolean } = {}) {
  const s = role ? sessions.get(role)! : undefined;
  const headers: Record<string, string> = {};
  if (s) headers.cookie = s.cookie;
  const token = typeof o.csrf === "string" ? o.csrf : o.csrf === false ? undefined : s?.csrf;
  if (token) headers["x-csrf-token"] = token;
  if (o.htmx ?? true) headers["hx-request"] = "true";
  if (o.form) headers["content-type"] = "application/x-www-form-urlencoded";
  return app.request(path, { method: o.method ?? (o.form ? "POST" : "GET"), headers, body: o.form ? new URLSearchParams(o.form).toString() : undefined });
}
const page = (role: Role | undefined, path: string) => as(role, path, { htmx: false });

describe("who may open the desk", () => {
  it("an agent and an admin open it; an operator gets 403; nobody signed in goes to the login", async () => {
    expect((await page("agent", "/console/desk")).status).toBe(200);
    expect((await page("admin", "/console/desk/leads")).status).toBe(200);
    expect((await page("operator", "/console/desk")).status).toBe(403);
    const anon = await page(undefined, "/console/desk/leads?status=new");
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toBe(`/console/login?next=${encodeURIComponent("/console/desk/leads?status=new")}`);
  });

  it("an operator cannot act either: the ticket stays open", async () => {
    const { ticket: t } = await rt.store.tickets.open(ticket("role-1"), "role-1");
    expect((await as("operator", `/console/desk/tickets/${t.folio}/close`, { form: { resolution: "no" } })).status).toBe(403);
    expect((await as(undefined, `/console/desk/tickets/${t.folio}/close`, { form: { resolution: "no" } })).status).toBe(403);
    expect((await rt.store.tickets.get(t.folio))?.status).toBe("open");
  });
});

describe("CSRF", () => {
  it("refuses an action without the token or with another's, and changes nothing", async () => {
    const { ticket: t } = await rt.store.tickets.open(ticket("csrf-1"), "csrf-1");
    const close = `/console/desk/tickets/${t.folio}/close`;
    expect((await as("agent", close, { form: { resolution: "sin token" }, csrf: false })).status).toBe(403);
    expect((await as("agent", close, { form: { resolution: "token ajeno" }, csrf: sessions.get("admin")!.csrf })).status).toBe(403);
    expect((await rt.store.tickets.get(t.folio))?.status).toBe("open");
    // The plain form's hidden field works as the header does.
    const plain = await as("agent", close, { form: { resolution: "con campo", _csrf: sessions.get("agent")!.csrf }, csrf: false, htmx: false });
    expect(plain.status).toBe(303);
    expect(plain.headers.get("location")).toBe(`/console/desk/tickets/${t.folio}`);
    expect((await rt.store.tickets.get(t.folio))?.resolution).toBe("con campo");
  });
});

describe("validation and unknown ids", () => {
  it.each<[string, string, Record<string, string>, string]>([
    ["a closing without its resolution", "close", { resolution: "   " }, "resolution"],
    ["a note without its text", "notes", { text: "", key: randomUUID() }, "text"],
    ["a note without the form's key", "notes", { text: "hola" }, "key"],
  ])("%s is a 400 naming the field", async (_what, action, form, field) => {
    const { ticket: t } = await rt.store.tickets.open(ticket(`bad-${field}`), `bad-${field}`);
    const r = await as("agent", `/console/desk/tickets/${t.folio}/${action}`, { form });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain(`form.${field}`);
    expect(await rt.store.tickets.get(t.folio)).toMatchObject({ status: "open", notes: [] });
  });

  it("a lead status outside new/contacted/closed and a bad filter are 400s naming the field", async () => {
    const { lead } = await rt.store.leads.create(sellCar("bad-lead"), "bad-lead");
    const r = await as("agent", `/console/desk/leads/${lead.id}/status`, { form: { status: "reabierto" } });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("form.status");
    for (const q of ["/console/desk?status=perdido", "/console/desk/leads?kind=moto", "/console/desk?page=0"]) {
      const res = await page("agent", q);
      expect(res.status, q).toBe(400);
      expect(await res.text(), q).toContain(`query.${new URL(q, "http://x").searchParams.keys().next().value}`);
    }
  });

  it("an unknown or malformed ticket or lead is a 404, for pages and actions", async () => {
    for (const path of ["/console/desk/tickets/KV-999999", "/console/desk/tickets/no-es-folio", "/console/desk/leads/999999", "/console/desk/leads/abc"])
      expect((await page("agent", path)).status, path).toBe(404);
    expect((await as("agent", "/console/desk/tickets/KV-999999/close", { form: { resolution: "x" } })).status).toBe(404);
    expect((await as("agent", "/console/desk/tickets/KV-999999/notes", { form: { text: "x", key: randomUUID() } })).status).toBe(404);
    expect((await as("agent", "/console/desk/leads/999999/status", { form: { status: "closed" } })).status).toBe(404);
  });
});

describe("a page's own failure", () => {
  it("is a 500 page in es-MX with a reference, never the error's text (a JSON body is for the API)", async () => {
    const spy = vi.spyOn(rt.store.tickets, "list").mockRejectedValueOnce(new Error("boom: SELECT * FROM tickets"));
    try {
      const res = await page("agent", "/console/desk");
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain("Algo falló de nuestro lado");
      expect(html).not.toContain("boom");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("working a ticket", () => {
  it("a note shows as text, puts the ticket in progress, is added once per form, and is audited under the agent", async () => {
    const { ticket: t } = await rt.store.tickets.open(ticket("work-1"), "work-1");
    const key = randomUUID();
    const note = "Llamé al cliente <script>alert(1)</script>";
    const r = await as("agent", `/console/desk/tickets/${t.folio}/notes`, { form: { text: note, key } });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain("Llamé al cliente &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("En proceso");
    expect((await as("agent", `/console/desk/tickets/${t.folio}/notes`, { form: { text: note, key } })).status).toBe(200);
    const stored = await rt.store.tickets.get(t.folio);
    expect(stored).toMatchObject({ status: "in_progress", notes: [{ author: "ana", text: note }] });
    expect((await rt.store.audit.list(`ticket:${t.folio}`)).map((e) => [e.actor, e.action])).toEqual([
      ["ana", "ticket.note"],
      ["ana", "ticket.in_progress"],
    ]);
  });

  it("a form's key makes one note on its own ticket only: the same key on another ticket is another note", async () => {
    const { ticket: a } = await rt.store.tickets.open(ticket("work-3"), "work-3");
    const { ticket: b } = await rt.store.tickets.open(ticket("work-4"), "work-4");
    const key = randomUUID();
    expect((await as("agent", `/console/desk/tickets/${a.folio}/notes`, { form: { text: "en A", key } })).status).toBe(200);
    const onB = await as("agent", `/console/desk/tickets/${b.folio}/notes`, { form: { text: "en B", key } });
    expect(await onB.text()).toContain("Nota agregada.");
    expect((await rt.store.tickets.get(b.folio))?.notes.map((n) => n.text)).toEqual(["en B"]);
  });

  it("closes with the resolution (masked); a second close keeps the first; a closed ticket takes no notes (409)", async () => {
    const { ticket: t } = await rt.store.tickets.open(ticket("work-2"), "work-2");
    const first = await as("agent", `/console/desk/tickets/${t.folio}/close`, { form: { resolution: "Le llamé al 55 1234 5678 y quedó resuelto" } });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Ticket cerrado.");
    const second = await as("admin", `/console/desk/tickets/${t.folio}/close`, { form: { resolution: "otra" } });
    expect(await second.text()).toContain("Otra persona ya lo había cerrado.");
    expect(await rt.store.tickets.get(t.folio)).toMatchObject({ status: "closed", resolution: "Le llamé al [teléfono] y quedó resuelto" });
    expect((await as("agent", `/console/desk/tickets/${t.folio}/notes`, { form: { text: "tarde", key: randomUUID() } })).status).toBe(409);
    expect((await rt.store.audit.list(`ticket:${t.folio}`)).map((e) => [e.actor, e.action])).toEqual([["ana", "ticket.closed"]]);
  });
});

describe("working a lead", () => {
  it("moves forward only, audited under the agent; a step back changes nothing", async () => {
    const { lead } = await rt.store.leads.create(sellCar("lead-work"), "lead-work");
    const path = `/console/desk/leads/${lead.id}/status`;
    expect(await (await as("agent", path, { form: { status: "contacted" } })).text()).toContain("Lead contactado.");
    expect(await (await as("agent", path, { form: { status: "new" } })).text()).toContain("El lead ya estaba contactado.");
    await as("agent", path, { form: { status: "closed" } });
    expect((await rt.store.leads.get(lead.id))?.status).toBe("closed");
    expect((await rt.store.audit.list(`lead:${lead.id}`)).map((e) => [e.actor, e.detail])).toEqual([
      ["ana", { to: "contacted" }],
      ["ana", { to: "closed" }],
    ]);
  });
});

describe("the lists", () => {
  it("page the tickets newest first, filtered by status", async () => {
    const folios: string[] = [];
    for (let i = 0; i < DESK_PAGE_SIZE + 5; i++) folios.push((await rt.store.tickets.open(ticket("page-1"), `page-1:${i}`)).ticket.folio);
    const open = await rt.store.tickets.count({ status: "open" });
    const pages = Math.ceil(open / DESK_PAGE_SIZE);
    const first = await (await page("agent", "/console/desk?status=open")).text();
    expect(first).toContain(`Página 1 de ${pages}`);
    expect(first).toContain(folios.at(-1)!);
    expect(first).not.toContain(folios[0]!);
    const last = await (await page("agent", `/console/desk?status=open&page=${pages}`)).text();
    expect(last).toContain(`Página ${pages} de ${pages}`);
    // A page past the end shows the last one.
    expect(await (await page("agent", `/console/desk?status=open&page=${pages + 10}`)).text()).toContain(`Página ${pages} de ${pages}`);
    expect(await (await page("agent", "/console/desk?status=closed")).text()).not.toContain(folios.at(-1)!);
  });

  it("filter the leads by kind and status", async () => {
    const { lead } = await rt.store.leads.create(
      { kind: "test_drive", customer_id: "list-td", thread_id: null, channel: "web", car_id: "243587", details: { date: "2030-01-15T10:00:00-06:00", hub: "Guadalajara" } },
      "list-td",
    );
    const link = `href="/console/desk/leads/${lead.id}"`;
    expect(await (await page("agent", "/console/desk/leads?kind=test_drive&status=new")).text()).toContain(link);
    expect(await (await page("agent", "/console/desk/leads?kind=sell_car")).text()).not.toContain(link);
    expect(await (await page("agent", "/console/desk/leads?status=closed")).text()).not.toContain(link);
    // Its detail names the catalog car.
    expect(await (await page("agent", `/console/desk/leads/${lead.id}`)).text()).toContain("Volkswagen Touareg 2018");
  });
});
