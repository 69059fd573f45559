// The console's people work in Mexico: times in its central zone, whatever the server's, alike on every page.
const WHEN = new Intl.DateTimeFormat("es-MX", { dateStyle: "medium", timeStyle: "short", timeZone: "America/Mexico_City" });

/** A stored instant as the console shows it; "—" for none. */
export const when = (iso: string | undefined) => (iso ? WHEN.format(new Date(iso)) : "—");
