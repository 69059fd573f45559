import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../../env.js";
import { Page } from "../layout.js";

/** The dashboard's tabs, each its own URL. */
export const TABS = [
  { id: "simulacion", label: "Simulación" },
  { id: "conversaciones", label: "Conversaciones" },
  { id: "outreach", label: "Outreach" },
  { id: "metricas", label: "Métricas" },
  { id: "recomendaciones", label: "Recomendaciones" },
] as const;
export type TabId = (typeof TABS)[number]["id"];

export function DashboardPage(props: { c: Context<AppEnv>; tab: TabId; title: string; scripts?: string[]; children?: Child }) {
  return (
    <Page title={props.title} c={props.c} active="dashboard" scripts={props.scripts} styles={["uplot", "dashboard"]}>
      <nav class="tabs" aria-label="Pestañas del panel">
        {TABS.map((t) => (
          <a href={`/console/${t.id}`} aria-current={t.id === props.tab ? "page" : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <h1>{props.title}</h1>
      {props.children}
    </Page>
  );
}
