import type { ToolMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/ports.js";
import { callerFromConfig, createDeskTools, createSupportDesk, type DeskCaller, type SupportDesk } from "../../src/tools/desk.js";
import { loadToolData } from "../../src/tools/index.js";
import { tempDbPath } from "../helpers/temp-db.js";

const data = loadToolData();
const NOW = new Date("2026-12-07T18:00:00Z");
const CAR = "243587"; // a Touareg 2018 in data/catalog.csv

describe("the support desk on a SQLite file", () => {
  const file = tempDbPath();
  let store: Store;
  let desk: SupportDesk;
  beforeAll(async () => {
    store = await openStore({ sqlite: file.path });
    desk = createSupportDesk({ tickets: store.tickets, leads: store.leads, catalog: data.catalog, hubs: data.hubs, refusals: data.deskRefusals, now: () => NOW });
  });
  afterAll(async () => {
    await store.close();
    file.cleanup();
  });
  const caller = (customer: string, key: string): DeskCaller => ({ customer_id: customer, thread_id: `thread-${customer}`, channel: "whatsapp", key });

  it("opens a ticket with its folio, once per key; the summary is stored masked", async () => {
    const first = await desk.openTicket(caller("ana", "run-1"), { issue_bucket: "logistica", summary: "No ha llegado mi auto, llámenme al 55 1234 5678" });
    expect(first).toMatchObject({ ok: true, created: true, ticket: { folio: expect.stringMatching(/^KV-\d{6}$/), status: "open", summary: "No ha llegado mi auto, llámenme al [teléfono]" } });
    expect(first).not.toHaveProperty("ticket.customer_id");
    const replay = await desk.openTicket(caller("ana", "run-1"), { issue_bucket: "logistica", summary: "No ha llegado mi auto" });
    expect(replay).toEqual({ ...first, created: false });
    const other = await desk.openTicket(caller("ana", "run-2"), { issue_bucket: "finanzas", summary: "Me cobraron dos veces" });
    expect(other.ok && first.ok && other.ticket.folio !== first.ticket.folio).toBe(true);
  });

  it("answers a ticket's status only to its customer: another customer's folio reads as not found", async () => {
    const opened = await desk.openTicket(caller("beto", "run-3"), { issue_bucket: "mecanica", summary: "Se prende el testigo del motor" });
    if (!opened.ok) throw new Error("not opened");
    const folio = opened.ticket.folio;
    expect(await desk.ticketStatus(caller("beto", "run-4"), { folio: folio.toLowerCase() })).toMatchObject({ ok: true, tickets: [{ folio, status: "open" }] });
    expect(await desk.ticketStatus(caller("carla", "run-4"), { folio })).toEqual({
      ok: false,
      refusals: [{ code: "ticket_not_found", field: "folio", message: expect.stringContaining(folio) }],
    });
    expect(await desk.ticketStatus(caller("beto", "run-4"), {})).toMatchObject({ ok: true, tickets: [{ folio }] });
    expect(await desk.ticketStatus(caller("nadie", "run-4"), {})).toMatchObject({ ok: false, refusals: [{ code: "no_open_tickets" }] });
  });

  it("adds the customer's notes in order and closes the ticket with the resolution", async () => {
    const opened = await desk.openTicket(caller("dani", "run-5"), { issue_bucket: "atencion", summary: "Nadie me contesta" });
    if (!opened.ok) throw new Error("not opened");
    const { folio } = opened.ticket;
    await desk.addTicketNote(caller("dani", "run-6"), { folio, text: "Ya llamé dos veces" });
    await desk.addTicketNote(caller("dani", "run-6"), { folio, text: "Ya llamé dos veces (redelivered)" });
    await desk.addTicketNote(caller("dani", "run-7"), { folio, text: "Mi tarjeta es 4111 1111 1111 1111" });
    expect(await desk.addTicketNote(caller("eva", "run-8"), { folio, text: "no es mío" })).toMatchObject({ ok: false, refusals: [{ code: "ticket_not_found" }] });
    const closed = await desk.closeTicket(caller("dani", "run-9"), { folio, resolution: "Ya me contactaron" });
    expect(closed).toMatchObject({ ok: true, ticket: { status: "closed", resolution: "Ya me contactaron" } });
    if (!closed.ok) throw new Error("not closed");
    expect(closed.ticket.notes.map((n) => [n.author, n.text])).toEqual([
      ["customer", "Ya llamé dos veces"],
      ["customer", "Mi tarjeta es **** **** **** 1111"],
    ]);
    expect(await desk.ticketStatus(caller("dani", "run-10"), {})).toMatchObject({ ok: false, refusals: [{ code: "no_open_tickets" }] });
  });

  it("books a test drive of a catalog car at a hub, named as the customer says it", async () => {
    const booked = await desk.bookTestDrive(caller("fer", "run-11"), { car_id: CAR, date: "2026-12-10T11:00:00-06:00", hub: "GDL" });
    expect(booked).toMatchObject({ ok: true, created: true, lead: { kind: "test_drive", car_id: CAR, status: "new", details: { date: "2026-12-10T11:00:00-06:00", hub: "Guadalajara" } } });
    expect(await desk.bookTestDrive(caller("fer", "run-11"), { car_id: CAR, date: "2026-12-10T11:00:00-06:00", hub: "querétaro" })).toMatchObject({ created: false });
    expect(await store.leads.byCustomer("fer")).toHaveLength(1);
  });

  it.each([
    [{ car_id: "1", date: "2026-12-10T11:00:00-06:00", hub: "Puebla" }, [["car_not_in_catalog", "car_id"]]],
    [{ car_id: CAR, date: "el jueves", hub: "Puebla" }, [["date_unreadable", "date"]]],
    [{ car_id: CAR, date: "2026-12-07T11:00:00-06:00", hub: "Puebla" }, [["date_not_future", "date"]]],
    [{ car_id: CAR, date: "2026-13-40T11:00:00-06:00", hub: "Puebla" }, [["date_unreadable", "date"]]],
    [{ car_id: "1", date: "ayer", hub: "Mérida" }, [["car_not_in_catalog", "car_id"], ["date_unreadable", "date"], ["unknown_hub", "hub"]]],
  ])("refuses a test drive it cannot book, every reason at once: %o", async (input, reasons) => {
    const r = await desk.bookTestDrive(caller("gabi", `run-refused-${JSON.stringify(input)}`), input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusals.map((x) => [x.code, x.field])).toEqual(reasons);
    for (const x of r.refusals) expect(x.message).not.toMatch(/\{\{/);
    expect(await store.leads.byCustomer("gabi")).toEqual([]);
  });

  it("names our hubs, from data/hubs.json, when the city has none", async () => {
    const r = await desk.bookTestDrive(caller("gabi", "run-12"), { car_id: CAR, date: "2026-12-10T11:00:00-06:00", hub: "Mérida" });
    if (r.ok) throw new Error("booked");
    for (const h of data.hubs) expect(r.refusals[0]!.message).toContain(h.name);
  });

  it("registers the customer's car for an offer or a trade-in", async () => {
    const car = { make: "Nissan", model: "Versa", year: 2019, km: 45_000 };
    expect(await desk.createLead(caller("hugo", "run-13"), { kind: "sell_car", car })).toMatchObject({ ok: true, lead: { kind: "sell_car", car_id: null, details: car } });
    expect(await desk.createLead(caller("hugo", "run-14"), { kind: "trade_in", car, car_id: CAR })).toMatchObject({ ok: true, lead: { kind: "trade_in", car_id: CAR } });
    expect(await desk.createLead(caller("hugo", "run-15"), { kind: "trade_in", car, car_id: "1" })).toMatchObject({ ok: false, refusals: [{ code: "car_not_in_catalog" }] });
    expect(await desk.createLead(caller("hugo", "run-16"), { kind: "sell_car", car: { ...car, year: 2030 } })).toMatchObject({ ok: false, refusals: [{ code: "car_year_in_future", field: "car.year" }] });
    expect((await store.leads.byCustomer("hugo")).map((l) => l.kind)).toEqual(["trade_in", "sell_car"]);
  });

  describe("as LangChain tools", () => {
    const config = (customer: string | undefined, thread: string) => ({ configurable: { thread_id: thread }, context: { customer_id: customer, channel: "web" } });
    const call = async (tools: ReturnType<typeof createDeskTools>, name: string, id: string, args: Record<string, unknown>, cfg = config("ines", "th-ines")) => {
      const t = tools.find((x) => x.name === name) as { invoke(input: unknown, config: unknown): Promise<unknown> };
      const msg = (await t.invoke({ type: "tool_call", id, name, args }, cfg)) as ToolMessage;
      return JSON.parse(msg.content as string);
    };

    it("are described in prompts/llm/tools.json and take the caller from the run: a replayed tool call writes once", async () => {
      const tools = createDeskTools(desk, data.descriptions);
      expect(tools.map((t) => t.name)).toEqual(["open_ticket", "ticket_status", "add_ticket_note", "close_ticket", "book_test_drive", "create_lead"]);
      for (const t of tools) expect(t.description).toBe(data.descriptions[t.name]);
      expect(() => createDeskTools(desk, {})).toThrow(/no description for open_ticket/);
      const first = await call(tools, "open_ticket", "call-1", { issue_bucket: "mecanica", summary: "Vibra el volante" });
      expect(first).toMatchObject({ ok: true, created: true, ticket: { folio: expect.any(String) } });
      expect(await call(tools, "open_ticket", "call-1", { issue_bucket: "mecanica", summary: "Vibra el volante" })).toEqual({ ...first, created: false });
      const [ticket] = await store.tickets.byCustomer("ines");
      expect(ticket).toMatchObject({ folio: first.ticket.folio, thread_id: "th-ines", channel: "web" });
      expect(await call(tools, "ticket_status", "call-2", { folio: first.ticket.folio })).toMatchObject({ ok: true, tickets: [{ folio: first.ticket.folio }] });
    });

    it("an anonymous visitor is known by the thread", async () => {
      const tools = createDeskTools(desk, data.descriptions);
      const r = await call(tools, "create_lead", "call-3", { kind: "sell_car", car: { make: "Kia", model: "Rio", year: 2020, km: 30_000 } }, config(undefined, "th-anon"));
      expect(r).toMatchObject({ ok: true, lead: { customer_id: "th-anon", thread_id: "th-anon" } });
    });

    it("refuse arguments outside their schema, naming the field", async () => {
      const tools = createDeskTools(desk, data.descriptions);
      await expect(call(tools, "open_ticket", "call-4", { issue_bucket: "otro", summary: "x" })).rejects.toThrow(/issue_bucket/);
      await expect(call(tools, "ticket_status", "call-5", { folio: "123" })).rejects.toThrow(/folio/);
      await expect(call(tools, "create_lead", "call-6", { kind: "sell_car", car: { make: "Kia", model: "Rio", year: 2020 } })).rejects.toThrow(/km/);
    });
  });
});

describe("callerFromConfig", () => {
  it("keys a write by the thread and the tool call, or the run when there is no tool call", () => {
    expect(callerFromConfig({ configurable: { thread_id: "t1" }, context: { customer_id: "c1", channel: "telegram" }, toolCall: { id: "call-9", name: "x", args: {} } })).toEqual({
      customer_id: "c1",
      thread_id: "t1",
      channel: "telegram",
      key: "t1:call-9",
    });
    expect(callerFromConfig({ configurable: { thread_id: "t1", run_id: "run-7" } })).toMatchObject({ customer_id: "t1", channel: "api", key: "t1:run-7" });
  });

  it("refuses a call it could not make idempotent, or with no one to file it under", () => {
    expect(() => callerFromConfig({ configurable: { thread_id: "t1" } })).toThrow(/key/);
    expect(() => callerFromConfig({ toolCall: { id: "call-1", name: "x", args: {} } })).toThrow(/customer_id/);
  });
});
