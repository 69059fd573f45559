import type { Lead, LeadKind, LeadStatus } from "../domain/lead.js";
import type { Ticket, TicketStatus } from "../domain/ticket.js";
import type { TranscriptLine } from "../domain/transcript.js";
import type { AuditEntry } from "../store/audit.js";
import type { Store } from "../store/ports.js";

/**
 * The support desk as people work it from the console: the tickets and leads the conversation graph opened,
 * a page at a time, and what an agent does to them. Every change is audited under the agent's name in the
 * transaction that makes it, and only when this call made it (of two agents closing one ticket, one did).
 */

export const DESK_PAGE_SIZE = 20;
/** The conversation shown next to a ticket or lead: its latest lines are what an agent needs to call back. */
const CONVERSATION_LINES = 50;

export interface Paged<T> {
  items: T[];
  total: number;
  /** 1-based, within 1..pages. */
  page: number;
  pages: number;
}

async function paged<T>(page: number, count: () => Promise<number>, list: (limit: number, offset: number) => Promise<T[]>): Promise<Paged<T>> {
  const total = await count();
  const pages = Math.max(1, Math.ceil(total / DESK_PAGE_SIZE));
  // A page past the end (the list shrank since the link was made) shows the last one, not an empty list.
  const at = Math.min(Math.max(1, page), pages);
  return { items: await list(DESK_PAGE_SIZE, (at - 1) * DESK_PAGE_SIZE), total, page: at, pages };
}

/** Audit subjects: one per ticket and lead, so a detail shows its own history. */
export const ticketSubject = (folio: string) => `ticket:${folio}`;
export const leadSubject = (id: number) => `lead:${id}`;

export interface DeskDetail {
  history: AuditEntry[];
  conversation: TranscriptLine[];
}

async function detailOf(store: Store, subject: string, threadId: string | null): Promise<DeskDetail> {
  const [history, conversation] = await Promise.all([
    store.audit.list(subject),
    threadId ? store.transcript.thread(threadId, { latest: CONVERSATION_LINES }) : Promise.resolve([]),
  ]);
  return { history, conversation };
}

export function ticketsPage(store: Store, o: { status?: TicketStatus; page: number }): Promise<Paged<Ticket>> {
  return paged(
    o.page,
    () => store.tickets.count({ status: o.status }),
    (limit, offset) => store.tickets.list({ status: o.status, limit, offset }),
  );
}

export async function ticketDetail(store: Store, folio: string): Promise<(DeskDetail & { ticket: Ticket }) | undefined> {
  const ticket = await store.tickets.get(folio);
  return ticket && { ticket, ...(await detailOf(store, ticketSubject(ticket.folio), ticket.thread_id)) };
}

export type DeskRefusal = "missing" | "closed";

/**
 * An agent's note: idempotent on `key` (the form's, so a double submit adds one note); the first note a person
 * writes puts an open ticket in progress. A closed ticket takes no more notes.
 */
export function addTicketNote(store: Store, agent: string, folio: string, text: string, key: string): Promise<{ ticket: Ticket; created: boolean } | DeskRefusal> {
  return store.transaction(async (tx) => {
    const before = await tx.tickets.get(folio);
    if (!before) return "missing";
    if (before.status === "closed") return "closed";
    // The key is unique across every ticket's notes: scoped to this ticket, a form's key cannot swallow another's note.
    const added = await tx.tickets.addNote(before.folio, { author: agent, text }, `console:${before.folio}:${key}`);
    if (!added) return "missing";
    if (!added.created) return added;
    await tx.audit.record(agent, "ticket.note", ticketSubject(before.folio));
    const started = await tx.tickets.advance(before.folio, { status: "in_progress" });
    if (started?.changed) await tx.audit.record(agent, "ticket.in_progress", ticketSubject(before.folio));
    return { ticket: started?.ticket ?? added.ticket, created: true };
  });
}

/** `changed: false` when it was closed already (its first resolution stays). */
export function closeTicket(store: Store, agent: string, folio: string, resolution: string): Promise<{ ticket: Ticket; changed: boolean } | "missing"> {
  return store.transaction(async (tx) => {
    const r = await tx.tickets.advance(folio, { status: "closed", resolution });
    if (!r) return "missing";
    if (r.changed) await tx.audit.record(agent, "ticket.closed", ticketSubject(r.ticket.folio));
    return r;
  });
}

export function leadsPage(store: Store, o: { kind?: LeadKind; status?: LeadStatus; page: number }): Promise<Paged<Lead>> {
  return paged(
    o.page,
    () => store.leads.count({ kind: o.kind, status: o.status }),
    (limit, offset) => store.leads.list({ kind: o.kind, status: o.status, limit, offset }),
  );
}

export async function leadDetail(store: Store, id: number): Promise<(DeskDetail & { lead: Lead }) | undefined> {
  const lead = await store.leads.get(id);
  return lead && { lead, ...(await detailOf(store, leadSubject(lead.id), lead.thread_id)) };
}

/** Forward only (new → contacted → closed); `changed: false` when the lead was there or past it already. */
export function moveLead(store: Store, agent: string, id: number, to: LeadStatus): Promise<{ lead: Lead; changed: boolean } | "missing"> {
  return store.transaction(async (tx) => {
    const r = await tx.leads.advance(id, to);
    if (!r) return "missing";
    if (r.changed) await tx.audit.record(agent, "lead.status", leadSubject(id), { to });
    return r;
  });
}
