import type { Child } from "hono/jsx";
import type { Paged } from "../../../app/desk.js";
import type { Channel } from "../../../domain/channel.js";
import { LEAD_KINDS, LEAD_STATUSES, type Lead, type LeadKind, type LeadStatus } from "../../../domain/lead.js";
import { TICKET_STATUSES, type Ticket, type TicketStatus } from "../../../domain/ticket.js";
import { CHANNEL, ISSUE, LEAD_KIND, LEAD_STATUS, TICKET_STATUS } from "./labels.js";
import { leadSummary, type CarName } from "./lead.js";
import { FilterSelect } from "../filter-select.js";
import { Badge, Time } from "./parts.js";
import { DESK, leadHref, ticketHref } from "./paths.js";

/** A list's URL with its filters (empty ones left out) and page. */
function listHref(path: string, filters: Record<string, string | undefined>, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A filter's choices: each value with its label. */
const choices = <T extends string>(values: readonly T[], labels: Record<T, string>) => values.map((v) => [v, labels[v]] as const);

export function Tabs({ active }: { active: "tickets" | "leads" }) {
  return (
    <nav class="tabs" aria-label="Vistas de la mesa">
      <a href={DESK} aria-current={active === "tickets" ? "page" : undefined}>
        Tickets
      </a>
      <a href={`${DESK}/leads`} aria-current={active === "leads" ? "page" : undefined}>
        Leads
      </a>
    </nav>
  );
}

/**
 * A plain GET form (it works without script); with htmx a change refreshes the list alone, and the URL follows
 * so a reload or a shared link shows the same list.
 */
function Filters({ action, children }: { action: string; children: Child }) {
  return (
    <form class="filters" method="get" action={action} hx-get={action} hx-trigger="change" hx-target="#desk-list" hx-select="#desk-list" hx-swap="outerHTML" hx-push-url="true">
      {children}
      <button type="submit">Filtrar</button>
    </form>
  );
}

function Pager({ paged, href }: { paged: Paged<unknown>; href: (page: number) => string }) {
  if (paged.pages <= 1) return <p class="pager">{count(paged.total)}</p>;
  return (
    <nav class="pager" aria-label="Páginas">
      {paged.page > 1 ? <a href={href(paged.page - 1)}>← Anterior</a> : <span aria-hidden="true">← Anterior</span>}
      <span>
        Página {paged.page} de {paged.pages} · {count(paged.total)}
      </span>
      {paged.page < paged.pages ? <a href={href(paged.page + 1)}>Siguiente →</a> : <span aria-hidden="true">Siguiente →</span>}
    </nav>
  );
}

const count = (n: number) => (n === 1 ? "1 resultado" : `${n.toLocaleString("es-MX")} resultados`);

function Empty({ filtered }: { filtered: boolean }) {
  return <p class="empty">{filtered ? "Nada con estos filtros." : "Todavía no hay nada aquí."}</p>;
}

/** A column of a list: its heading, its cell, and its class (`hide-phone` for what a phone can do without). */
interface Column<T> {
  head: string;
  cell: (item: T) => Child;
  class?: string;
}

/**
 * A list as its filters left it (the part htmx swaps): each row's first cell links to its detail, and every list
 * ends with where it came from (channel) and when.
 */
function DeskList<T extends { channel: Channel; created_at: string }>(p: { label: string; paged: Paged<T>; filtered: boolean; href: (page: number) => string; columns: Column<T>[] }) {
  const columns: Column<T>[] = [
    ...p.columns,
    { head: "Canal", cell: (x) => CHANNEL[x.channel], class: "hide-phone" },
    { head: "Creado", cell: (x) => <Time iso={x.created_at} />, class: "hide-phone" },
  ];
  return (
    <section id="desk-list" aria-label={p.label}>
      {p.paged.items.length === 0 ? (
        <Empty filtered={p.filtered} />
      ) : (
        <div class="table-wrap">
          <table class="desk-table">
            <thead>
              <tr>
                {columns.map((col) => (
                  <th scope="col" class={col.class}>
                    {col.head}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {p.paged.items.map((item) => (
                <tr>
                  {columns.map((col) => (
                    <td class={col.class}>{col.cell(item)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager paged={p.paged} href={p.href} />
    </section>
  );
}

export function TicketList({ paged, status }: { paged: Paged<Ticket>; status?: TicketStatus }) {
  return (
    <>
      <Filters action={DESK}>
        <FilterSelect name="status" label="Estado" value={status} options={choices(TICKET_STATUSES, TICKET_STATUS)} />
      </Filters>
      <DeskList
        label="Tickets"
        paged={paged}
        filtered={status !== undefined}
        href={(page) => listHref(DESK, { status }, page)}
        columns={[
          { head: "Folio", cell: (t) => <a href={ticketHref(t.folio)}>{t.folio}</a>, class: "id" },
          { head: "Estado", cell: (t) => <Badge status={t.status} label={TICKET_STATUS[t.status]} /> },
          { head: "Área", cell: (t) => ISSUE[t.issue_bucket], class: "hide-phone" },
          { head: "Resumen", cell: (t) => t.summary, class: "summary" },
        ]}
      />
    </>
  );
}

export function LeadList({ paged, kind, status, cars }: { paged: Paged<Lead>; kind?: LeadKind; status?: LeadStatus; cars: CarName }) {
  const action = `${DESK}/leads`;
  return (
    <>
      <Filters action={action}>
        <FilterSelect name="kind" label="Tipo" value={kind} options={choices(LEAD_KINDS, LEAD_KIND)} />
        <FilterSelect name="status" label="Estado" value={status} options={choices(LEAD_STATUSES, LEAD_STATUS)} />
      </Filters>
      <DeskList
        label="Leads"
        paged={paged}
        filtered={kind !== undefined || status !== undefined}
        href={(page) => listHref(action, { kind, status }, page)}
        columns={[
          { head: "Lead", cell: (l) => <a href={leadHref(l.id)}>#{l.id}</a>, class: "id" },
          { head: "Estado", cell: (l) => <Badge status={l.status} label={LEAD_STATUS[l.status]} /> },
          { head: "Tipo", cell: (l) => LEAD_KIND[l.kind] },
          { head: "Qué", cell: (l) => leadSummary(l, cars), class: "summary" },
        ]}
      />
    </>
  );
}
