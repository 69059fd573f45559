import type { CareRuntime } from "../../src/app/care-runtime.js";
import { addTicketNote, closeTicket, moveLead } from "../../src/app/desk.js";
import { addHandoffNote, claimHandoff } from "../../src/app/handoff-actions.js";
import { generateDataset, runSeries, SeriesParams, seriesId } from "../../src/app/simulation.js";
import type { Role } from "../../src/domain/user.js";

/**
 * Every page of the console and the web chat, for the checks they all pass (tests/browser/pages.test.ts: an
 * accessibility scan, screenshots at phone and desktop sizes, the JavaScript budget) and for bench/pages.ts.
 * A new page: add it to PAGES, and what it shows to seedPages, written with fixed keys and texts so that a
 * fresh database gives the same pictures every run (times vary: the screenshots mask every <time>).
 */
export interface ConsolePage {
  /** The screenshot's name: docs/screenshots/<name>-<size>.png. */
  name: string;
  /** Who opens it; none for a page anyone may open. */
  role?: Role;
  path: (seed: PagesSeed) => string;
}

export const PAGES: readonly ConsolePage[] = [
  { name: "login", path: () => "/console/login" },
  { name: "desk", role: "agent", path: () => "/console/desk" },
  { name: "desk-leads", role: "agent", path: () => "/console/desk/leads" },
  { name: "desk-ticket", role: "agent", path: (s) => `/console/desk/tickets/${s.ticket}` },
  { name: "desk-lead", role: "agent", path: (s) => `/console/desk/leads/${s.lead}` },
  { name: "dashboard-simulacion", role: "operator", path: () => "/console/simulacion" },
  { name: "dashboard-conversaciones", role: "operator", path: () => "/console/conversaciones?segment=VE" },
  { name: "dashboard-outreach", role: "operator", path: () => "/console/outreach" },
  { name: "dashboard-metricas", role: "operator", path: () => "/console/metricas" },
  { name: "dashboard-recomendaciones", role: "operator", path: (s) => `/console/recomendaciones?ns=${encodeURIComponent(`${s.series}/policy`)}` },
  // A first visit: the customer's chat, empty (tests/browser/chat.test.ts pictures a whole conversation).
  { name: "chat", path: () => "/chat" },
  { name: "inbox", role: "agent", path: () => "/console/inbox" },
  { name: "inbox-case", role: "agent", path: (s) => `/console/inbox/h/${encodeURIComponent(s.handoff)}` },
];

/** The people who open the pages: one per role (password: the helpers' TEST_PASSWORD). */
export const PAGE_USERS: Record<Role, string> = { agent: "ana", operator: "oscar", admin: "alma" };

export interface PagesSeed {
  /** A ticket with notes and a conversation. */
  ticket: string;
  /** A test drive with a conversation. */
  lead: number;
  /** A hand-off of the conversation, claimed by the agent, with its transcript and a note. */
  handoff: string;
  /** The dashboard's simulation series: 40 customers, three iterations. */
  series: string;
}

const THREAD = "seed-thread-1";
const CUSTOMER = "seed-c1";

/** What the pages show, the same on every fresh database. */
export async function seedPages(rt: CareRuntime): Promise<PagesSeed> {
  const s = rt.store;
  await s.transcript.append(
    [
      ["customer", "Hola, no me han entregado las placas de mi auto y ya pagué el trámite."],
      ["bot", "Registré tu caso con el folio KV-000001. Nuestro equipo lo revisa y te da seguimiento por este medio."],
      ["customer", "Gracias. También quiero probar el Touareg el jueves en Guadalajara."],
      ["bot", "Listo, agendé tu prueba de manejo. Te esperamos en la sede Guadalajara."],
    ].map(([author, text], i) => ({ key: `seed:${i}`, line: { thread_id: THREAD, customer_id: CUSTOMER, channel: "web" as const, author: author!, text: text! } })),
  );
  const tickets = [
    { customer_id: CUSTOMER, thread_id: THREAD, channel: "web", issue_bucket: "logistica", summary: "No me han entregado las placas de mi auto y ya pagué el trámite." },
    { customer_id: "seed-c2", thread_id: null, channel: "whatsapp", issue_bucket: "mecanica", summary: "Se prende el testigo del motor desde ayer." },
    { customer_id: "seed-c3", thread_id: null, channel: "telegram", issue_bucket: "finanzas", summary: "Me cobraron dos veces la mensualidad de noviembre." },
  ] as const;
  const folios: string[] = [];
  for (const [i, t] of tickets.entries()) folios.push((await s.tickets.open(t, `seed:ticket:${i}`)).ticket.folio);
  await s.tickets.addNote(folios[0]!, { author: "customer", text: "Me urge, tengo que circular el lunes." }, "seed:note:0");
  await addTicketNote(s, PAGE_USERS.agent, folios[0]!, "Hablé con la gestoría: las placas salen el viernes.", "seed:note:1");
  await closeTicket(s, PAGE_USERS.agent, folios[2]!, "Se reembolsó el cargo duplicado.");

  const car = { make: "Nissan", model: "Versa", year: 2019, km: 45_000 };
  const { lead } = await s.leads.create(
    { kind: "test_drive", customer_id: CUSTOMER, thread_id: THREAD, channel: "web", car_id: "243587", details: { date: "2030-01-17T11:00:00-06:00", hub: "Guadalajara" } },
    "seed:lead:0",
  );
  await s.leads.create({ kind: "sell_car", customer_id: "seed-c2", thread_id: null, channel: "whatsapp", car_id: null, details: car }, "seed:lead:1");
  const trade = await s.leads.create({ kind: "trade_in", customer_id: "seed-c3", thread_id: null, channel: "telegram", car_id: "243587", details: car }, "seed:lead:2");
  await s.leads.create({ kind: "reserve", customer_id: "seed-c4", thread_id: null, channel: "web", car_id: "243587", details: {} }, "seed:lead:3");
  await moveLead(s, PAGE_USERS.agent, trade.lead.id, "contacted");

  // The inbox: the conversation's hand-off (the agent's, with a note), a care draft waiting, one someone else holds.
  const handoff = `${THREAD}:seed-interrupt`;
  const summary = "**Motivo:** human_request (prioridad 7)\n\n**Últimos mensajes del cliente:**\n> Gracias. También quiero probar el Touareg el jueves en Guadalajara.";
  await s.handoffs.open({ interaction_id: handoff, thread_id: THREAD, customer_id: CUSTOMER, reason: "human_request", priority: 7, draft: summary, experiment_id: null, graph: "conversation", channel: "web" });
  await s.handoffs.open({ interaction_id: "seed-care-1", thread_id: "seed-care-thread-1", customer_id: "seed-c2", reason: "churn_risk", priority: 7, draft: "Hola, te saludamos de Kavak. Lamentamos lo ocurrido con tu auto; te llamamos hoy para resolverlo.", experiment_id: null });
  await s.handoffs.open({ interaction_id: "seed-care-2", thread_id: "seed-care-thread-2", customer_id: "seed-c3", reason: "legal_threat", priority: 10, draft: null, experiment_id: null });
  await claimHandoff(s, handoff, PAGE_USERS.agent);
  await claimHandoff(s, "seed-care-2", "luis");
  await addHandoffNote(s, handoff, PAGE_USERS.agent, "Quiere la prueba de manejo el jueves; confirmar la sede.");
  // The dashboard: a dataset and two runs of its series (iterations 1–2, then 3), as Simulación makes them.
  const sim = SeriesParams.parse({ customers: 40, top_n: 10 });
  await generateDataset(rt, sim);
  await runSeries(rt, sim, rt.environment, { experimentId: "sim-seed-run-1", iterations: 2, firstIteration: 1 });
  await runSeries(rt, sim, rt.environment, { experimentId: "sim-seed-run-2", iterations: 1, firstIteration: 3 });
  return { ticket: folios[0]!, lead: lead.id, handoff, series: seriesId(sim) };
}
