import { expect, it } from "vitest";
import type { LeadNew } from "../../src/domain/lead.js";
import type { TicketOpen } from "../../src/domain/ticket.js";
import { contract } from "./backends.js";

const ticket = (customer: string, over: Partial<TicketOpen> = {}): TicketOpen => ({
  customer_id: customer,
  thread_id: `thread-${customer}`,
  channel: "whatsapp",
  issue_bucket: "mecanica",
  summary: "El auto hace un ruido al frenar.",
  ...over,
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

contract("TicketStore", (store) => {
  it("opens a ticket with a folio; a redelivery with the same key gets that ticket, a new key a new one", async () => {
    const t = store().tickets;
    const first = await t.open(ticket("open-1"), "run-1:ticket");
    expect(first).toEqual({
      created: true,
      ticket: {
        folio: expect.stringMatching(/^KV-\d{6}$/),
        ...ticket("open-1"),
        status: "open",
        notes: [],
        resolution: null,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      },
    });
    const again = await t.open(ticket("open-1", { summary: "otra cosa" }), "run-1:ticket");
    expect(again).toEqual({ created: false, ticket: first.ticket });
    const other = await t.open(ticket("open-1"), "run-2:ticket");
    expect(other.created).toBe(true);
    expect(other.ticket.folio).not.toBe(first.ticket.folio);
    expect((await t.byCustomer("open-1")).map((x) => x.folio)).toEqual([other.ticket.folio, first.ticket.folio]);
    expect(await t.get(first.ticket.folio.toLowerCase())).toEqual(first.ticket);
    expect(await t.get("KV-999999")).toBeUndefined();
    expect(await t.get("no es folio")).toBeUndefined();
  });

  it("masks card and phone numbers in the summary before it is stored", async () => {
    const { ticket: opened } = await store().tickets.open(ticket("mask-1", { summary: "Llámenme al 55 1234 5678, pagué con 4111 1111 1111 1111" }), "mask-1");
    const stored = await store().tickets.get(opened.folio);
    expect(stored?.summary).toBe("Llámenme al [teléfono], pagué con **** **** **** 1111");
  });

  it("refuses a ticket outside its schema, naming the field", async () => {
    await expect(store().tickets.open(ticket("bad-1", { issue_bucket: "otro" as never }), "bad-1")).rejects.toThrow(/issue_bucket/);
    expect(await store().tickets.byCustomer("bad-1")).toEqual([]);
  });

  it("keeps notes in the order they were added; a note redelivered with its key is added once", async () => {
    const t = store().tickets;
    const { ticket: opened } = await t.open(ticket("notes-1"), "notes-1");
    for (const [i, text] of ["primera", "segunda", "tercera"].entries()) await t.addNote(opened.folio, { author: "bot", text }, `notes-1:note-${i}`);
    const replay = await t.addNote(opened.folio, { author: "bot", text: "segunda otra vez" }, "notes-1:note-1");
    expect(replay?.created).toBe(false);
    const got = await t.get(opened.folio);
    expect(got?.notes.map((n) => n.text)).toEqual(["primera", "segunda", "tercera"]);
    expect(got?.notes[0]).toEqual({ author: "bot", text: "primera", created_at: expect.stringMatching(ISO) });
    expect(await t.addNote("KV-999999", { author: "bot", text: "x" }, "notes-1:missing")).toBeUndefined();
  });

  it("adds notes in a transaction like the other repositories, and a rollback takes them back", async () => {
    const { ticket: opened } = await store().tickets.open(ticket("tx-1"), "tx-1");
    await expect(
      store().transaction(async (tx) => {
        await tx.tickets.addNote(opened.folio, { author: "ana", text: "dentro" }, "tx-1:note");
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect((await store().tickets.get(opened.folio))?.notes).toEqual([]);
  });

  it("closes a ticket once: closing it again keeps the first resolution", async () => {
    const t = store().tickets;
    const { ticket: opened } = await t.open(ticket("close-1"), "close-1");
    const closed = await t.close(opened.folio, "Se cambiaron las balatas.");
    expect(closed).toMatchObject({ status: "closed", resolution: "Se cambiaron las balatas." });
    expect(await t.close(opened.folio, "otra")).toMatchObject({ resolution: "Se cambiaron las balatas." });
    expect(await t.byCustomer("close-1", { status: "open" })).toEqual([]);
    expect(await t.byCustomer("close-1", { status: "closed" })).toEqual([closed]);
    expect(await t.close("KV-999999", "x")).toBeUndefined();
  });

  it("lists tickets for the console, newest first, by status and a page at a time", async () => {
    const t = store().tickets;
    const folios: string[] = [];
    for (let i = 0; i < 3; i++) folios.push((await t.open(ticket("list-1"), `list-1:${i}`)).ticket.folio);
    await t.close(folios[1]!, "resuelto");
    const open = (await t.list({ status: "open", limit: 1000 })).map((x) => x.folio);
    expect(open.indexOf(folios[2]!)).toBeLessThan(open.indexOf(folios[0]!));
    expect(open).not.toContain(folios[1]);
    const page = await t.list({ limit: 2, offset: 1 });
    expect(page.map((x) => x.folio)).toEqual((await t.list({ limit: 3 })).slice(1).map((x) => x.folio));
  });

  it("counts the tickets the console pages through, by status", async () => {
    const t = store().tickets;
    const before = { all: await t.count(), open: await t.count({ status: "open" }), closed: await t.count({ status: "closed" }) };
    const folios: string[] = [];
    for (let i = 0; i < 3; i++) folios.push((await t.open(ticket("count-1"), `count-1:${i}`)).ticket.folio);
    await t.close(folios[0]!, "resuelto");
    expect(await t.count()).toBe(before.all + 3);
    expect(await t.count({ status: "open" })).toBe(before.open + 2);
    expect(await t.count({ status: "closed" })).toBe(before.closed + 1);
  });

  it("moves a ticket forward only, saying whether this call moved it; the resolution is masked", async () => {
    const t = store().tickets;
    const { ticket: opened } = await t.open(ticket("advance-1"), "advance-1");
    expect(await t.advance(opened.folio, { status: "in_progress" })).toMatchObject({ changed: true, ticket: { status: "in_progress" } });
    expect(await t.advance(opened.folio, { status: "in_progress" })).toMatchObject({ changed: false, ticket: { status: "in_progress" } });
    const closed = await t.advance(opened.folio.toLowerCase(), { status: "closed", resolution: "Le marcamos al 55 1234 5678" });
    expect(closed).toMatchObject({ changed: true, ticket: { status: "closed", resolution: "Le marcamos al [teléfono]" } });
    expect(await t.advance(opened.folio, { status: "in_progress" })).toMatchObject({ changed: false, ticket: { status: "closed" } });
    expect(await t.advance(opened.folio, { status: "closed", resolution: "otra" })).toMatchObject({ changed: false, ticket: { resolution: "Le marcamos al [teléfono]" } });
    expect(await t.advance("KV-999999", { status: "in_progress" })).toBeUndefined();
    expect(await t.advance("no es folio", { status: "in_progress" })).toBeUndefined();
  });

  it("of ten agents closing one ticket at once, one closes it and every one reads its resolution", async () => {
    const t = store().tickets;
    const { ticket: opened } = await t.open(ticket("close-race"), "close-race");
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => t.advance(opened.folio, { status: "closed", resolution: `resolución ${i}` })));
    const winners = all.filter((r) => r?.changed);
    expect(winners).toHaveLength(1);
    expect(new Set(all.map((r) => r?.ticket.resolution))).toEqual(new Set([winners[0]!.ticket.resolution]));
  });

  it("twenty concurrent opens with their own keys get twenty distinct folios; twenty with one key get one ticket", async () => {
    const t = store().tickets;
    const distinct = await Promise.all(Array.from({ length: 20 }, (_, i) => t.open(ticket("race-1"), `race-1:${i}`)));
    expect(new Set(distinct.map((r) => r.ticket.folio)).size).toBe(20);
    const same = await Promise.all(Array.from({ length: 20 }, () => t.open(ticket("race-2"), "race-2:one")));
    expect(new Set(same.map((r) => r.ticket.folio)).size).toBe(1);
    expect(same.filter((r) => r.created)).toHaveLength(1);
    expect(await t.byCustomer("race-2")).toHaveLength(1);
  });
});

const testDrive = (customer: string): LeadNew => ({
  kind: "test_drive",
  customer_id: customer,
  thread_id: `thread-${customer}`,
  channel: "web",
  car_id: "243587",
  details: { date: "2030-01-15T10:00:00-06:00", hub: "Guadalajara" },
});
const sellCar = (customer: string): LeadNew => ({
  kind: "sell_car",
  customer_id: customer,
  thread_id: null,
  channel: "whatsapp",
  car_id: null,
  details: { make: "Nissan", model: "Versa", year: 2019, km: 45_000 },
});

contract("LeadStore", (store) => {
  it("creates a lead once per key, with its details as given", async () => {
    const l = store().leads;
    const first = await l.create(testDrive("lead-1"), "run-1:lead");
    expect(first).toEqual({
      created: true,
      lead: { id: expect.any(Number), ...testDrive("lead-1"), status: "new", created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO) },
    });
    expect(await l.create(sellCar("lead-1"), "run-1:lead")).toEqual({ created: false, lead: first.lead });
    const second = await l.create(sellCar("lead-1"), "run-2:lead");
    expect(second.created).toBe(true);
    expect(second.lead.details).toEqual(sellCar("lead-1").details);
    expect((await l.byCustomer("lead-1")).map((x) => x.id)).toEqual([second.lead.id, first.lead.id]);
    expect(await l.get(first.lead.id)).toEqual(first.lead);
  });

  it("refuses a lead whose details do not fit its kind, naming the field", async () => {
    const bad = { ...sellCar("lead-bad"), details: { make: "Nissan", model: "Versa", year: 2019 } } as unknown as LeadNew;
    await expect(store().leads.create(bad, "lead-bad")).rejects.toThrow(/km/);
  });

  it("moves a lead through its statuses and lists them by kind and status", async () => {
    const l = store().leads;
    const { lead } = await l.create(sellCar("lead-2"), "lead-2");
    await l.create(testDrive("lead-2"), "lead-2:td");
    expect(await l.setStatus(lead.id, "contacted")).toMatchObject({ id: lead.id, status: "contacted" });
    expect(await l.setStatus(999_999, "closed")).toBeUndefined();
    const contacted = await l.list({ kind: "sell_car", status: "contacted", limit: 100 });
    expect(contacted.map((x) => x.id)).toContain(lead.id);
    expect(contacted.every((x) => x.kind === "sell_car" && x.status === "contacted")).toBe(true);
    expect((await l.list({ kind: "test_drive", limit: 100 })).every((x) => x.kind === "test_drive")).toBe(true);
  });

  it("counts leads by kind and status, as `list` pages through them", async () => {
    const l = store().leads;
    const before = await l.count({ kind: "trade_in" });
    const trade = (i: number): LeadNew => ({ kind: "trade_in", customer_id: `count-${i}`, thread_id: null, channel: "web", car_id: "243587", details: { make: "Kia", model: "Rio", year: 2018, km: 80_000 } });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await l.create(trade(i), `count-lead-${i}`)).lead.id);
    await l.advance(ids[0]!, "contacted");
    expect(await l.count({ kind: "trade_in" })).toBe(before + 3);
    expect(await l.count({ kind: "trade_in", status: "contacted" })).toBe((await l.list({ kind: "trade_in", status: "contacted", limit: 1000 })).length);
    expect(await l.count()).toBe((await l.list({ limit: 10_000 })).length);
  });

  it("moves a lead forward only: new → contacted → closed, never back", async () => {
    const l = store().leads;
    const { lead } = await l.create(testDrive("lead-adv"), "lead-adv");
    expect(await l.advance(lead.id, "contacted")).toMatchObject({ changed: true, lead: { id: lead.id, status: "contacted" } });
    expect(await l.advance(lead.id, "contacted")).toMatchObject({ changed: false, lead: { status: "contacted" } });
    expect(await l.advance(lead.id, "new")).toMatchObject({ changed: false, lead: { status: "contacted" } });
    expect(await l.advance(lead.id, "closed")).toMatchObject({ changed: true, lead: { status: "closed" } });
    expect(await l.advance(lead.id, "contacted")).toMatchObject({ changed: false, lead: { status: "closed" } });
    expect(await l.advance(999_999, "contacted")).toBeUndefined();
    const { lead: other } = await l.create(testDrive("lead-adv-2"), "lead-adv-2");
    const race = await Promise.all(Array.from({ length: 10 }, () => l.advance(other.id, "closed")));
    expect(race.filter((r) => r?.changed)).toHaveLength(1);
  });
});
