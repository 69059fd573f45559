import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import type { z } from "zod";
import type { CareRuntime } from "../../../app/care-runtime.js";
import { addTicketNote, closeTicket, leadDetail, leadsPage, moveLead, ticketDetail, ticketsPage } from "../../../app/desk.js";
import { loadCatalog, loadCatalogAliases } from "../../../store/assets.js";
import { createCatalog } from "../../../tools/catalog/catalog.js";
import type { AppEnv } from "../../env.js";
import { conflict, notFound, readForm, readQuery } from "../../helper/http.js";
import { requireRole } from "../../middleware/session.js";
import { Page } from "../layout.js";
import type { PagesOptions } from "../options.js";
import { CloseForm, FolioParam, LeadParam, LeadsQuery, LeadStatusForm, NoteForm, TicketsQuery } from "./forms.js";
import { LEAD_STATUS } from "./labels.js";
import { carNameOf, LeadPanel } from "./lead.js";
import { LeadList, Tabs, TicketList } from "./list.js";
import { leadHref, ticketHref } from "./paths.js";
import { TicketPanel } from "./ticket.js";

const STYLES = ["desk"];

/** A path that names no ticket or lead is a page that does not exist. */
function pathOf<T>(c: Context<AppEnv>, schema: z.ZodType<T>, what: string): T {
  const r = schema.safeParse(c.req.param());
  if (!r.success) throw notFound(what);
  return r.data;
}

const signedIn = (c: Context<AppEnv>) => c.get("user")!.name;

/** A whole page of the desk: a list under its tab, or a detail. */
function deskPage(c: Context<AppEnv>, title: string, body: { tab: "tickets" | "leads"; list: Child } | { panel: Child }) {
  return c.html(
    <Page title={title} c={c} active="desk" styles={STYLES}>
      {"panel" in body ? (
        body.panel
      ) : (
        <>
          <h1>Leads y tickets</h1>
          <Tabs active={body.tab} />
          {body.list}
        </>
      )}
    </Page>,
  );
}

/**
 * After an action: htmx gets the panel to swap in (and the page's old error cleared); a plain form post is sent
 * back to the detail (post/redirect/get, so a reload does not post again).
 */
function answered(c: Context<AppEnv>, href: string, panel: () => Promise<Child>) {
  if (!c.req.header("hx-request")) return c.redirect(href, 303);
  return panel().then((p) =>
    c.html(
      <>
        {p}
        <div id="flash" aria-live="polite" hx-swap-oob="true"></div>
      </>,
    ),
  );
}

/**
 * The support desk for agents (/console/desk): the tickets and leads the conversation graph opened, a page at a
 * time with filters, each with its detail; an agent adds notes, closes tickets and moves leads forward, each
 * change audited under their name (src/app/desk.ts).
 */
export function deskPages(rt: CareRuntime, _o: PagesOptions): Hono<AppEnv> {
  const cars = carNameOf(createCatalog(loadCatalog(), loadCatalogAliases()).get);

  const ticketPanel = async (c: Context<AppEnv>, folio: string, notice?: string) => {
    const d = await ticketDetail(rt.store, folio);
    if (!d) throw notFound(`ticket ${folio}`);
    return <TicketPanel c={c} ticket={d.ticket} detail={d} notice={notice} />;
  };
  const leadPanel = async (c: Context<AppEnv>, id: number, notice?: string) => {
    const d = await leadDetail(rt.store, id);
    if (!d) throw notFound(`lead ${id}`);
    return <LeadPanel c={c} lead={d.lead} detail={d} cars={cars} notice={notice} />;
  };

  return new Hono<AppEnv>()
    .use("*", requireRole("agent"))
    .get("/", async (c) => {
      const q = readQuery(c, TicketsQuery);
      const paged = await ticketsPage(rt.store, q);
      return deskPage(c, "Tickets", { tab: "tickets", list: <TicketList paged={paged} status={q.status} /> });
    })
    .get("/leads", async (c) => {
      const q = readQuery(c, LeadsQuery);
      const paged = await leadsPage(rt.store, q);
      return deskPage(c, "Leads", { tab: "leads", list: <LeadList paged={paged} kind={q.kind} status={q.status} cars={cars} /> });
    })
    .get("/tickets/:folio", async (c) => {
      const { folio } = pathOf(c, FolioParam, "ticket");
      return deskPage(c, `Ticket ${folio}`, { panel: await ticketPanel(c, folio) });
    })
    .post("/tickets/:folio/notes", async (c) => {
      const { folio } = pathOf(c, FolioParam, "ticket");
      const form = await readForm(c, NoteForm);
      const r = await addTicketNote(rt.store, signedIn(c), folio, form.text, form.key);
      if (r === "missing") throw notFound(`ticket ${folio}`);
      if (r === "closed") throw conflict(`ticket ${folio} is closed: it takes no more notes`);
      return answered(c, ticketHref(folio), () => ticketPanel(c, folio, r.created ? "Nota agregada." : "Esa nota ya estaba guardada."));
    })
    .post("/tickets/:folio/close", async (c) => {
      const { folio } = pathOf(c, FolioParam, "ticket");
      const form = await readForm(c, CloseForm);
      const r = await closeTicket(rt.store, signedIn(c), folio, form.resolution);
      if (r === "missing") throw notFound(`ticket ${folio}`);
      // Closed by someone else first: their resolution stays, and the panel shows it.
      return answered(c, ticketHref(folio), () => ticketPanel(c, folio, r.changed ? "Ticket cerrado." : "Otra persona ya lo había cerrado."));
    })
    .get("/leads/:id", async (c) => {
      const { id } = pathOf(c, LeadParam, "lead");
      return deskPage(c, `Lead #${id}`, { panel: await leadPanel(c, id) });
    })
    .post("/leads/:id/status", async (c) => {
      const { id } = pathOf(c, LeadParam, "lead");
      const { status } = await readForm(c, LeadStatusForm);
      const r = await moveLead(rt.store, signedIn(c), id, status);
      if (r === "missing") throw notFound(`lead ${id}`);
      const notice = r.changed ? `Lead ${LEAD_STATUS[status].toLowerCase()}.` : `El lead ya estaba ${LEAD_STATUS[r.lead.status].toLowerCase()}.`;
      return answered(c, leadHref(id), () => leadPanel(c, id, notice));
    });
}
