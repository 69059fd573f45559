import { tool, type ToolRunnableConfig } from "@langchain/core/tools";
import { z } from "zod";
import { Channel } from "../domain/channel.js";
import { interpolate } from "../domain/fill.js";
import type { Hub } from "../domain/hub.js";
import { CustomerCar, TestDriveDetails, type Lead } from "../domain/lead.js";
import { IssueBucket } from "../domain/segment.js";
import { Folio, type Ticket } from "../domain/ticket.js";
import type { DeskRefusalTexts } from "../store/assets.js";
import type { LeadStore, TicketStore } from "../store/ports.js";
import type { Catalog } from "./catalog/catalog.js";
import { toolDescription } from "./describe.js";
import { listEs, normalize } from "./text.js";

/**
 * Who asks and the key of this write. The same request redelivered (a run executed again after its worker
 * died) must bring the same key, so it writes once; two writes of one run need two keys (a tool call's id
 * does: LangGraph replays the checkpointed tool calls with their ids).
 */
export const DeskCaller = z.object({
  customer_id: z.string().min(1).max(200),
  thread_id: z.string().min(1).max(200).nullable(),
  channel: Channel,
  key: z.string().min(1).max(400),
});
export type DeskCaller = z.infer<typeof DeskCaller>;

export const OpenTicketInput = z.object({
  issue_bucket: IssueBucket.describe("finanzas, mecanica, logistica or atencion"),
  summary: z.string().trim().min(1).max(2000).describe("the customer's problem in one or two sentences"),
});
export const TicketStatusInput = z.object({ folio: Folio.optional().describe("KV-000123; absent: the customer's open tickets") });
export const AddTicketNoteInput = z.object({ folio: Folio, text: z.string().trim().min(1).max(4000) });
export const CloseTicketInput = z.object({ folio: Folio, resolution: z.string().trim().min(1).max(2000) });
export const BookTestDriveInput = z.object({
  car_id: z.string().trim().min(1).max(40).describe("the car's stock_id in the catalog"),
  date: z.string().trim().min(1).max(60).describe("ISO 8601 date-time with its offset, e.g. 2026-12-10T11:00:00-06:00"),
  hub: z.string().trim().min(1).max(100).describe("the hub's city as the customer says it"),
});
export const CreateLeadInput = z.object({
  kind: z.enum(["sell_car", "trade_in"]),
  car: CustomerCar.describe("the customer's own car"),
  car_id: z.string().trim().min(1).max(40).optional().describe("trade_in only: the catalog car the customer wants in exchange"),
});

export type RefusalCode = keyof DeskRefusalTexts;
export interface Refusal {
  code: RefusalCode;
  /** The input field at fault, when there is one. */
  field?: string;
  /** What the customer reads (prompts/desk/refusals.es-MX.json). */
  message: string;
}
/** What every desk call answers: JSON a reply may quote. */
export type DeskResult<T> = ({ ok: true } & T) | { ok: false; refusals: Refusal[] };

/** A ticket as the customer may read it: no internal ids. */
export type TicketView = Omit<Ticket, "customer_id" | "thread_id" | "channel">;
const view = ({ customer_id: _c, thread_id: _t, channel: _ch, ...t }: Ticket): TicketView => t;

export interface SupportDesk {
  openTicket(caller: DeskCaller, input: z.input<typeof OpenTicketInput>): Promise<DeskResult<{ created: boolean; ticket: TicketView }>>;
  /** One ticket of the caller's by folio, or all of the caller's open ones. */
  ticketStatus(caller: DeskCaller, input: z.input<typeof TicketStatusInput>): Promise<DeskResult<{ tickets: TicketView[] }>>;
  addTicketNote(caller: DeskCaller, input: z.input<typeof AddTicketNoteInput>): Promise<DeskResult<{ created: boolean; ticket: TicketView }>>;
  closeTicket(caller: DeskCaller, input: z.input<typeof CloseTicketInput>): Promise<DeskResult<{ ticket: TicketView }>>;
  bookTestDrive(caller: DeskCaller, input: z.input<typeof BookTestDriveInput>): Promise<DeskResult<{ created: boolean; lead: Lead }>>;
  createLead(caller: DeskCaller, input: z.input<typeof CreateLeadInput>): Promise<DeskResult<{ created: boolean; lead: Lead }>>;
}

export interface SupportDeskDeps {
  tickets: TicketStore;
  leads: LeadStore;
  catalog: Pick<Catalog, "get">;
  hubs: readonly Hub[];
  refusals: DeskRefusalTexts;
  now?: () => Date;
}

/** The hub a customer named, by its name or an alias, whatever the accents and case. */
export function findHub(hubs: readonly Hub[], said: string): Hub | undefined {
  const key = normalize(said).replace(/[^a-z0-9]+/g, " ").trim();
  return hubs.find((h) => [h.name, ...h.aliases].some((n) => normalize(n).replace(/[^a-z0-9]+/g, " ").trim() === key));
}

/**
 * The support desk over the ticket and lead stores: plain async functions the offline agents call, and the
 * LangChain tools below wrap. A customer sees and changes only their own tickets: another customer's folio
 * reads as not found.
 */
export function createSupportDesk(deps: SupportDeskDeps): SupportDesk {
  const now = deps.now ?? (() => new Date());
  const refuse = (code: RefusalCode, field: string | undefined, vars: Record<string, string> = {}): Refusal => ({
    code,
    ...(field ? { field } : {}),
    message: interpolate(deps.refusals[code], vars),
  });
  const refused = (...refusals: Refusal[]) => ({ ok: false as const, refusals });
  const own = async (caller: DeskCaller, folio: string) => {
    const t = await deps.tickets.get(folio);
    return t?.customer_id === caller.customer_id ? t : undefined;
  };
  const notFound = (folio: string) => refused(refuse("ticket_not_found", "folio", { folio }));
  const who = (raw: DeskCaller) => DeskCaller.parse(raw);

  return {
    async openTicket(raw, input) {
      const c = who(raw);
      const { issue_bucket, summary } = OpenTicketInput.parse(input);
      const { ticket, created } = await deps.tickets.open({ customer_id: c.customer_id, thread_id: c.thread_id, channel: c.channel, issue_bucket, summary }, `${c.key}:open_ticket`);
      return { ok: true, created, ticket: view(ticket) };
    },

    async ticketStatus(raw, input) {
      const c = who(raw);
      const { folio } = TicketStatusInput.parse(input);
      if (folio !== undefined) {
        const t = await own(c, folio);
        return t ? { ok: true, tickets: [view(t)] } : notFound(folio);
      }
      const open = [...(await deps.tickets.byCustomer(c.customer_id, { status: "open" })), ...(await deps.tickets.byCustomer(c.customer_id, { status: "in_progress" }))];
      return open.length > 0 ? { ok: true, tickets: open.map(view) } : refused(refuse("no_open_tickets", undefined));
    },

    async addTicketNote(raw, input) {
      const c = who(raw);
      const { folio, text } = AddTicketNoteInput.parse(input);
      if (!(await own(c, folio))) return notFound(folio);
      const added = await deps.tickets.addNote(folio, { author: "customer", text }, `${c.key}:add_ticket_note`);
      return added ? { ok: true, created: added.created, ticket: view(added.ticket) } : notFound(folio);
    },

    async closeTicket(raw, input) {
      const c = who(raw);
      const { folio, resolution } = CloseTicketInput.parse(input);
      if (!(await own(c, folio))) return notFound(folio);
      const closed = await deps.tickets.close(folio, resolution);
      return closed ? { ok: true, ticket: view(closed) } : notFound(folio);
    },

    async bookTestDrive(raw, input) {
      const c = who(raw);
      const { car_id, date, hub } = BookTestDriveInput.parse(input);
      const refusals: Refusal[] = [];
      const car = deps.catalog.get(car_id);
      if (!car) refusals.push(refuse("car_not_in_catalog", "car_id", { car_id }));
      // The lead's own schema decides what a readable date is: what is booked is what the lead stores.
      if (!TestDriveDetails.shape.date.safeParse(date).success || Number.isNaN(Date.parse(date))) refusals.push(refuse("date_unreadable", "date"));
      else if (Date.parse(date) <= now().getTime()) refusals.push(refuse("date_not_future", "date"));
      const found = findHub(deps.hubs, hub);
      if (!found) refusals.push(refuse("unknown_hub", "hub", { hub, hubs: listEs(deps.hubs.map((h) => h.name), "o") }));
      if (refusals.length > 0 || !car || !found) return refused(...refusals);
      const { lead, created } = await deps.leads.create(
        { kind: "test_drive", customer_id: c.customer_id, thread_id: c.thread_id, channel: c.channel, car_id: car.stock_id, details: { date, hub: found.name } },
        `${c.key}:book_test_drive`,
      );
      return { ok: true, created, lead };
    },

    async createLead(raw, input) {
      const c = who(raw);
      const { kind, car, car_id } = CreateLeadInput.parse(input);
      const refusals: Refusal[] = [];
      // A model year runs ahead of the calendar by one at most (2027 models are sold in 2026).
      if (car.year > now().getUTCFullYear() + 1) refusals.push(refuse("car_year_in_future", "car.year", { year: String(car.year) }));
      const wanted = kind === "trade_in" && car_id !== undefined ? car_id : null;
      if (wanted !== null && !deps.catalog.get(wanted)) refusals.push(refuse("car_not_in_catalog", "car_id", { car_id: wanted }));
      if (refusals.length > 0) return refused(...refusals);
      const common = { customer_id: c.customer_id, thread_id: c.thread_id, channel: c.channel, details: car };
      const { lead, created } = await deps.leads.create(
        kind === "sell_car" ? { ...common, kind, car_id: null } : { ...common, kind, car_id: wanted },
        `${c.key}:create_lead`,
      );
      return { ok: true, created, lead };
    },
  };
}

/**
 * The caller of a tool as LangGraph runs it: the customer and channel from the run's context (no customer:
 * an anonymous visitor, known by the thread), the thread from `configurable`, and the key from the tool
 * call's id (or, called outside a ToolNode, the run's id).
 */
export function callerFromConfig(config: ToolRunnableConfig): DeskCaller {
  const context = (config.context ?? {}) as { customer_id?: unknown; channel?: unknown };
  const configurable = (config.configurable ?? {}) as { thread_id?: unknown; run_id?: unknown };
  const thread = typeof configurable.thread_id === "string" ? configurable.thread_id : null;
  const call = config.toolCall?.id ?? (typeof configurable.run_id === "string" ? configurable.run_id : undefined);
  const parsed = DeskCaller.safeParse({
    customer_id: context.customer_id ?? thread,
    thread_id: thread,
    channel: context.channel ?? "api",
    key: call === undefined ? undefined : `${thread ?? context.customer_id}:${call}`,
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`desk tool: ${i.path.join(".")}: ${i.message} (needs a customer or thread, and a tool call or run id for its idempotency key)`);
  }
  return parsed.data;
}

/** The desk's LangChain tools; each answers the desk's JSON. */
export function createDeskTools(desk: SupportDesk, descriptions: Record<string, string>, callerOf: (config: ToolRunnableConfig) => DeskCaller = callerFromConfig) {
  const deskTool = <S extends z.ZodObject>(name: string, schema: S, call: (caller: DeskCaller, input: z.output<S>) => Promise<unknown>) =>
    tool(async (input: z.output<S>, config: ToolRunnableConfig) => JSON.stringify(await call(callerOf(config), input)), { name, description: toolDescription(descriptions, name), schema });
  return [
    deskTool("open_ticket", OpenTicketInput, desk.openTicket),
    deskTool("ticket_status", TicketStatusInput, desk.ticketStatus),
    deskTool("add_ticket_note", AddTicketNoteInput, desk.addTicketNote),
    deskTool("close_ticket", CloseTicketInput, desk.closeTicket),
    deskTool("book_test_drive", BookTestDriveInput, desk.bookTestDrive),
    deskTool("create_lead", CreateLeadInput, desk.createLead),
  ] as const;
}
