import type { Channel } from "../../../domain/channel.js";
import type { LeadKind, LeadStatus } from "../../../domain/lead.js";
import type { IssueBucket } from "../../../domain/segment.js";
import type { TicketStatus } from "../../../domain/ticket.js";

/** The desk's words for the values the store keeps (es-MX), one place for the lists, details and filters. */

export const TICKET_STATUS: Record<TicketStatus, string> = { open: "Abierto", in_progress: "En proceso", closed: "Cerrado" };
export const LEAD_STATUS: Record<LeadStatus, string> = { new: "Nuevo", contacted: "Contactado", closed: "Cerrado" };
export const LEAD_KIND: Record<LeadKind, string> = { test_drive: "Prueba de manejo", sell_car: "Venta de auto", trade_in: "Auto a cuenta", reserve: "Apartado" };
export const ISSUE: Record<IssueBucket, string> = { finanzas: "Finanzas", mecanica: "Mecánica", logistica: "Logística", atencion: "Atención" };
export const CHANNEL: Record<Channel, string> = { api: "API", web: "Chat web", whatsapp: "WhatsApp", telegram: "Telegram" };

/** The badge a status wears: red when nobody has acted yet, amber while it is being worked, green once done. */
export const STATUS_BADGE: Record<TicketStatus | LeadStatus, string> = {
  open: "badge badge-red",
  new: "badge badge-red",
  in_progress: "badge badge-amber",
  contacted: "badge badge-amber",
  closed: "badge badge-ok",
};

/** What the history shows for each audited action (src/app/desk.ts). */
export const ACTION: Record<string, string> = {
  "ticket.note": "agregó una nota",
  "ticket.in_progress": "puso el ticket en proceso",
  "ticket.closed": "cerró el ticket",
  "lead.status": "cambió el estado",
};

/** A note's author as agents read it: the customer and the bot by role, a person by name. */
export const author = (a: string) => (a === "customer" ? "Cliente" : a === "bot" ? "Asistente" : a);
