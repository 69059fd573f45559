/**
 * Errors that say the database cannot serve now, not that the request is wrong or the code broken: PostgreSQL out of
 * connection slots (SQLSTATE 53300, class 53) or starting up or shutting down (57P03), a connection refused or lost
 * (class 08, ECONNREFUSED, ECONNRESET), SQLite's file locked past its timeout (SQLITE_BUSY). A caller may try again.
 */
const CODES = new Set(["53000", "53300", "57P03", "08000", "08001", "08003", "08004", "08006", "ECONNREFUSED", "ECONNRESET", "SQLITE_BUSY"]);

export function databaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && CODES.has(code);
}
