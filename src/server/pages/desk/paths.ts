/** Where the desk's pages live (mounted at /console/desk, src/server/pages/index.tsx). */
export const DESK = "/console/desk";
export const ticketHref = (folio: string) => `${DESK}/tickets/${folio}`;
export const leadHref = (id: number) => `${DESK}/leads/${id}`;
