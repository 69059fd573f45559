import type { TranscriptLine } from "../../../domain/transcript.js";
import type { AuditEntry } from "../../../store/audit.js";
import type { Channel } from "../../../domain/channel.js";
import type { LeadStatus } from "../../../domain/lead.js";
import type { TicketStatus } from "../../../domain/ticket.js";
import { when } from "../when.js";
import { ACTION, CHANNEL, LEAD_STATUS, STATUS_BADGE, author } from "./labels.js";

/** The parts the desk's lists and details share. */

export const Badge = ({ status, label }: { status: TicketStatus | LeadStatus; label: string }) => <span class={STATUS_BADGE[status]}>{label}</span>;
/** Every time sits in <time>: the screenshots mask them, so the pictures stay the same from run to run. */
export const Time = ({ iso }: { iso: string }) => <time datetime={iso}>{when(iso)}</time>;

/** A detail's facts, then whose it is, where it came from and when. */
export function Facts({ rows, of }: { rows: Array<[string, string]>; of: { customer_id: string; channel: Channel; created_at: string } }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
      <dt>Cliente</dt>
      <dd>{of.customer_id}</dd>
      <dt>Canal</dt>
      <dd>{CHANNEL[of.channel]}</dd>
      <dt>Creado</dt>
      <dd>
        <Time iso={of.created_at} />
      </dd>
    </dl>
  );
}

/** What the last action did, read out by screen readers when htmx swaps the panel in. */
export const Notice = ({ text }: { text: string }) => (
  <p class="notice" role="status">
    {text}
  </p>
);

const LEAD_TO = LEAD_STATUS as Record<string, string>;
const actionText = (e: AuditEntry) => {
  const to = typeof e.detail["to"] === "string" ? LEAD_TO[e.detail["to"]] : undefined;
  return `${ACTION[e.action] ?? e.action}${to ? `: ${to}` : ""}`;
};

export function History({ entries }: { entries: AuditEntry[] }) {
  return (
    <section aria-labelledby="desk-history">
      <h2 id="desk-history">Historial</h2>
      {entries.length === 0 ? (
        <p class="empty">Nadie lo ha trabajado todavía.</p>
      ) : (
        <ol class="desk-history">
          {entries.map((e) => (
            <li>
              <Time iso={e.at} /> · <strong>{e.actor}</strong> {actionText(e)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The conversation that opened it: customers' words are text, never markup (hono/jsx escapes them). */
export function Conversation({ lines }: { lines: TranscriptLine[] }) {
  if (lines.length === 0) return null;
  return (
    <section aria-labelledby="desk-conversation">
      <h2 id="desk-conversation">Conversación</h2>
      <ol class="desk-conversation">
        {lines.map((l) => (
          <li class={l.author === "customer" ? "from-customer" : "from-us"}>
            <span class="who">{author(l.author.replace(/^person:/, ""))}</span> <Time iso={l.created_at} />
            <p>{l.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
