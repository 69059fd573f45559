import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { DeskDetail } from "../../../app/desk.js";
import type { Ticket } from "../../../domain/ticket.js";
import type { AppEnv } from "../../env.js";
import { CsrfField } from "../layout.js";
import { author, ISSUE, TICKET_STATUS } from "./labels.js";
import { Badge, Conversation, Facts, History, Notice, Time } from "./parts.js";
import { DESK, ticketHref } from "./paths.js";

function Notes({ ticket }: { ticket: Ticket }) {
  return (
    <section aria-labelledby="desk-notes">
      <h2 id="desk-notes">Notas</h2>
      {ticket.notes.length === 0 ? (
        <p class="empty">Sin notas.</p>
      ) : (
        <ol class="desk-notes">
          {ticket.notes.map((n) => (
            <li>
              <strong>{author(n.author)}</strong> · <Time iso={n.created_at} />
              <p>{n.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** htmx swaps the whole panel after an action; without script the form posts and the page comes back. */
function ActionForm({ c, action, children }: { c: Context<AppEnv>; action: string; children: Child }) {
  return (
    <form method="post" action={action} hx-post={action} hx-target="#desk-panel" hx-swap="outerHTML" class="stack">
      <CsrfField c={c} />
      {children}
    </form>
  );
}

/** What htmx swaps after an action: the ticket with its notes, actions and history. */
export function TicketPanel({ c, ticket, detail, notice }: { c: Context<AppEnv>; ticket: Ticket; detail: DeskDetail; notice?: string }) {
  const href = ticketHref(ticket.folio);
  const closed = ticket.status === "closed";
  return (
    <article id="desk-panel" class="card desk-detail">
      <p>
        <a href={DESK}>← Tickets</a>
      </p>
      <header class="desk-head">
        <h1>Ticket {ticket.folio}</h1>
        <Badge status={ticket.status} label={TICKET_STATUS[ticket.status]} />
      </header>
      {notice && <Notice text={notice} />}
      <Facts rows={[["Área", ISSUE[ticket.issue_bucket]]]} of={ticket} />
      <h2>Resumen</h2>
      <p class="desk-summary">{ticket.summary}</p>
      {closed && (
        <>
          <h2>Resolución</h2>
          <p class="desk-resolution">{ticket.resolution}</p>
        </>
      )}
      <Notes ticket={ticket} />
      {!closed && (
        <div class="desk-actions">
          <ActionForm c={c} action={`${href}/notes`}>
            <input type="hidden" name="key" value={randomUUID()} />
            <label for="desk-note">Nota</label>
            <textarea id="desk-note" name="text" rows={3} maxlength={4000} required></textarea>
            <button type="submit">Agregar nota</button>
          </ActionForm>
          <ActionForm c={c} action={`${href}/close`}>
            <label for="desk-resolution">Resolución</label>
            <textarea id="desk-resolution" name="resolution" rows={3} maxlength={2000} required></textarea>
            <button type="submit">Cerrar ticket</button>
          </ActionForm>
        </div>
      )}
      <History entries={detail.history} />
      <Conversation lines={detail.conversation} />
    </article>
  );
}
