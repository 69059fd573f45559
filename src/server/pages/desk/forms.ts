import { z } from "zod";
import { LeadKind, LeadStatus } from "../../../domain/lead.js";
import { Folio, TicketStatus } from "../../../domain/ticket.js";
import { unlessBlank } from "../../helper/http.js";

/** What the desk's pages accept, each field named in a 400 when it is wrong (src/server/helper/http.ts). */

const page = z.coerce.number().int().min(1).max(1_000_000).default(1);

export const TicketsQuery = z.object({ status: unlessBlank(TicketStatus), page });
export const LeadsQuery = z.object({ kind: unlessBlank(LeadKind), status: unlessBlank(LeadStatus), page });

export const FolioParam = z.object({ folio: Folio });
export const LeadParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export const NoteForm = z.object({
  text: z.string().trim().min(1, "escribe la nota").max(4000, "la nota pasa de 4,000 caracteres"),
  /** Made when the form was drawn: submitting it twice adds one note. */
  key: z.uuid("la página es vieja: recárgala"),
});
export const CloseForm = z.object({
  resolution: z.string().trim().min(1, "escribe cómo se resolvió").max(2000, "la resolución pasa de 2,000 caracteres"),
});
export const LeadStatusForm = z.object({ status: LeadStatus });
