import type { Kysely, Selectable } from "kysely";
import { Ticket, TicketNoteInput, TicketOpen, TicketResolution, folioOf, seqOfFolio, ticketStatusesBefore, type TicketAdvance, type TicketNote, type TicketStatus } from "../../domain/ticket.js";
import type { TicketStore } from "../ports.js";
import { iso, type Ctx } from "./dialect.js";
import type { DB, TicketsTable } from "./schema.js";

type Row = Selectable<TicketsTable>;

/** The support desk's tickets: the folio is the row's seq as the customer reads it (domain/ticket.ts). */
export function ticketStore({ db, d, atomic }: Ctx): TicketStore {
  /** The rows as tickets, each with its notes oldest first: one query for the notes of all of them. */
  const withNotes = async (q: Kysely<DB>, rows: readonly Row[]): Promise<Ticket[]> => {
    if (rows.length === 0) return [];
    const notes = await q
      .selectFrom("ticket_notes")
      .select(["ticket_seq", "author", "text", "created_at"])
      .where("ticket_seq", "in", rows.map((r) => r.seq))
      .orderBy("id")
      .execute();
    const bySeq = new Map<number, TicketNote[]>();
    for (const n of notes) bySeq.set(n.ticket_seq, [...(bySeq.get(n.ticket_seq) ?? []), { author: n.author, text: n.text, created_at: iso(n.created_at) }]);
    return rows.map((r) => fromRow(r, bySeq.get(r.seq) ?? []));
  };

  const bySeq = async (q: Kysely<DB>, seq: number): Promise<Ticket | undefined> => {
    const row = await q.selectFrom("tickets").selectAll().where("seq", "=", seq).executeTakeFirst();
    return row && (await withNotes(q, [row]))[0];
  };

  const listed = (status: TicketStatus | undefined) => db.selectFrom("tickets").$if(status !== undefined, (q) => q.where("status", "=", status!));

  const advance = async (folio: string, to: TicketAdvance) => {
    const seq = seqOfFolio(folio);
    if (seq === undefined) return undefined;
    const resolution = to.status === "closed" ? TicketResolution.parse(to.resolution) : undefined;
    const moved = await db
      .updateTable("tickets")
      .set({ status: to.status, updated_at: d.now(), ...(resolution === undefined ? {} : { resolution }) })
      .where("seq", "=", seq)
      .where("status", "in", ticketStatusesBefore(to.status))
      .returning("seq")
      .executeTakeFirst();
    const ticket = await bySeq(db, seq);
    return ticket && { ticket, changed: moved !== undefined };
  };

  return {
    async open(t, key) {
      const row = await db
        .insertInto("tickets")
        .values({ key, ...TicketOpen.parse(t) })
        .onConflict((oc) => oc.column("key").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return { ticket: fromRow(row, []), created: true };
      const first = await db.selectFrom("tickets").selectAll().where("key", "=", key).executeTakeFirstOrThrow();
      return { ticket: (await withNotes(db, [first]))[0]!, created: false };
    },

    async get(folio) {
      const seq = seqOfFolio(folio);
      return seq === undefined ? undefined : bySeq(db, seq);
    },

    async byCustomer(customerId, o = {}) {
      let q = db.selectFrom("tickets").selectAll().where("customer_id", "=", customerId);
      if (o.status) q = q.where("status", "=", o.status);
      return withNotes(db, await q.orderBy("seq", "desc").execute());
    },

    async addNote(folio, note, key) {
      const seq = seqOfFolio(folio);
      if (seq === undefined) return undefined;
      const { author, text } = TicketNoteInput.parse(note);
      return atomic(async (tx) => {
        const held = await d.forUpdate(tx.selectFrom("tickets").select("seq").where("seq", "=", seq)).executeTakeFirst();
        if (!held) return undefined;
        const added = await tx
          .insertInto("ticket_notes")
          .values({ ticket_seq: seq, key, author, text })
          .onConflict((oc) => oc.column("key").doNothing())
          .returning("id")
          .executeTakeFirst();
        if (added) await tx.updateTable("tickets").set({ updated_at: d.now() }).where("seq", "=", seq).execute();
        return { ticket: (await bySeq(tx, seq))!, created: added !== undefined };
      });
    },

    async close(folio, resolution) {
      return (await advance(folio, { status: "closed", resolution }))?.ticket;
    },

    async list({ status, limit, offset }) {
      return withNotes(db, await d.page(listed(status).selectAll().orderBy("seq", "desc"), limit, offset).execute());
    },

    async count(o = {}) {
      const row = await listed(o.status).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    advance,
  };
}

const fromRow = (r: Row, notes: TicketNote[]): Ticket =>
  Ticket.parse({
    folio: folioOf(r.seq),
    customer_id: r.customer_id,
    thread_id: r.thread_id,
    channel: r.channel,
    issue_bucket: r.issue_bucket,
    summary: r.summary,
    status: r.status,
    notes,
    resolution: r.resolution,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  });
