/** How the console names the simulation's codes (es-MX), on every page that shows them. */
export const SEGMENT_LABEL: Record<string, string> = { VF: "VF · vocal contento", VE: "VE · vocal enojado", NVF: "NVF · silencioso contento", NVE: "NVE · silencioso enojado" };
export const ISSUE_LABEL: Record<string, string> = { finanzas: "finanzas", mecanica: "mecánica", logistica: "logística", atencion: "atención" };
