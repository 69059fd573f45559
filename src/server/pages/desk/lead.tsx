import type { Context } from "hono";
import type { DeskDetail } from "../../../app/desk.js";
import type { Car } from "../../../domain/car.js";
import { leadStatusesBefore, LEAD_STATUSES, type Lead, type LeadStatus } from "../../../domain/lead.js";
import { formatKm } from "../../../tools/amounts.js";
import type { AppEnv } from "../../env.js";
import { CsrfField } from "../layout.js";
import { when } from "../when.js";
import { LEAD_KIND, LEAD_STATUS } from "./labels.js";
import { Badge, Conversation, Facts, History, Notice } from "./parts.js";
import { DESK, leadHref } from "./paths.js";

/** A catalog car by its stock id, as people name it. */
export type CarName = (stockId: string) => string | undefined;
export const carNameOf =
  (get: (stockId: string) => Car | undefined): CarName =>
  (id) => {
    const car = get(id);
    return car && `${car.make} ${car.model} ${car.year}`;
  };

const catalogCar = (id: string, cars: CarName) => cars(id) ?? `auto ${id}`;

/** One line: what the lead is about, for the list. */
export function leadSummary(l: Lead, cars: CarName): string {
  switch (l.kind) {
    case "test_drive":
      return `${catalogCar(l.car_id, cars)} · ${l.details.hub}, ${when(l.details.date)}`;
    case "reserve":
      return catalogCar(l.car_id, cars);
    case "sell_car":
      return `${l.details.make} ${l.details.model} ${l.details.year}, ${formatKm(l.details.km)}`;
    case "trade_in": {
      const own = `${l.details.make} ${l.details.model} ${l.details.year}, ${formatKm(l.details.km)}`;
      return l.car_id ? `${own} → ${catalogCar(l.car_id, cars)}` : own;
    }
  }
}

function Details({ lead, cars }: { lead: Lead; cars: CarName }) {
  const rows: Array<[string, string]> = [];
  if (lead.car_id) rows.push(["Auto del catálogo", `${catalogCar(lead.car_id, cars)} (stock ${lead.car_id})`]);
  if (lead.kind === "test_drive") rows.push(["Cita", when(lead.details.date)], ["Sede", lead.details.hub]);
  if (lead.kind === "sell_car" || lead.kind === "trade_in")
    rows.push(["Su auto", `${lead.details.make} ${lead.details.model} ${lead.details.year}`], ["Kilometraje", formatKm(lead.details.km)]);
  return <Facts rows={rows} of={lead} />;
}

/** The statuses an agent can move the lead to from where it is: forward only. */
const nextStatuses = (s: LeadStatus) => LEAD_STATUSES.filter((to) => leadStatusesBefore(to).includes(s));

/** What htmx swaps after an action: the lead with its status, actions and history. */
export function LeadPanel({ c, lead, detail, cars, notice }: { c: Context<AppEnv>; lead: Lead; detail: DeskDetail; cars: CarName; notice?: string }) {
  const action = `${leadHref(lead.id)}/status`;
  const next = nextStatuses(lead.status);
  return (
    <article id="desk-panel" class="card desk-detail">
      <p>
        <a href={`${DESK}/leads`}>← Leads</a>
      </p>
      <header class="desk-head">
        <h1>
          {LEAD_KIND[lead.kind]} #{lead.id}
        </h1>
        <Badge status={lead.status} label={LEAD_STATUS[lead.status]} />
      </header>
      {notice && <Notice text={notice} />}
      <Details lead={lead} cars={cars} />
      {next.length > 0 && (
        <div class="row desk-moves">
          {next.map((to) => (
            <form method="post" action={action} hx-post={action} hx-target="#desk-panel" hx-swap="outerHTML">
              <CsrfField c={c} />
              <input type="hidden" name="status" value={to} />
              {to === "contacted" ? <button type="submit">Marcar como contactado</button> : <button type="submit" class="secondary">Cerrar lead</button>}
            </form>
          ))}
        </div>
      )}
      <History entries={detail.history} />
      <Conversation lines={detail.conversation} />
    </article>
  );
}
