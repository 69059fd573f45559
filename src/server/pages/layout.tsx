import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { SessionUser } from "../../domain/user.js";
import { hasRole, type Role } from "../../domain/user.js";
import type { AppEnv } from "../env.js";

/** The console's sections, each for the roles that may open it (the server checks again on every route). */
const SECTIONS: ReadonlyArray<{ id: string; href: string; label: string; roles: Role[] }> = [
  { id: "inbox", href: "/console/inbox", label: "Bandeja", roles: ["agent"] },
  { id: "desk", href: "/console/desk", label: "Leads y tickets", roles: ["agent"] },
  { id: "dashboard", href: "/console", label: "Panel", roles: ["operator"] },
];

/**
 * htmx as this product uses it: no eval (hx-on and trigger filters are off, so the CSP can forbid inline
 * script), no <script> run from swapped HTML, no inline indicator style, no history snapshots of pages that
 * hold customers' data.
 */
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
  selfRequestsOnly: true,
  // A refused action (taken by someone else, a field at fault) answers with a message fragment to show (#flash).
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: true },
    { code: "...", swap: false, error: true },
  ],
});

export function CsrfField({ c }: { c: Context<AppEnv> }) {
  return <input type="hidden" name="_csrf" value={c.get("csrf")} />;
}

function Nav({ user, active, c }: { user: SessionUser; active?: string; c: Context<AppEnv> }) {
  return (
    <header class="top">
      <a class="brand" href={hasRole(user, ["agent"]) ? "/console/inbox" : "/console"}>
        care-graph
      </a>
      <nav aria-label="Secciones">
        {SECTIONS.filter((s) => hasRole(user, s.roles)).map((s) => (
          <a href={s.href} aria-current={s.id === active ? "page" : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      <form method="post" action="/console/logout" class="who">
        <CsrfField c={c} />
        <span>
          {user.name} · {ROLE_LABEL[user.role]}
        </span>
        <button type="submit" class="link">
          Salir
        </button>
      </form>
    </header>
  );
}

const ROLE_LABEL: Record<Role, string> = { agent: "agente", operator: "operador", admin: "administración" };

/**
 * Every page: es-MX, readable from a phone up, our stylesheet and htmx from our own routes, and the CSRF token
 * in hx-headers so every htmx request sends it.
 */
export function Page(props: { title: string; c: Context<AppEnv>; active?: string; scripts?: string[]; styles?: string[]; children?: Child }) {
  const { c } = props;
  const user = c.get("user");
  return (
    <html lang="es-MX">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${props.title} · care-graph`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {(props.styles ?? []).map((s) => (
          <link rel="stylesheet" href={`/assets/${s}.css`} />
        ))}
        <script src="/assets/htmx.js" defer></script>
        {(props.scripts ?? []).map((s) => (
          <script src={`/assets/${s}.js`} defer></script>
        ))}
      </head>
      <body hx-headers={JSON.stringify({ "X-CSRF-Token": c.get("csrf") })}>
        <a class="skip" href="#main">
          Saltar al contenido
        </a>
        {user && <Nav user={user} active={props.active} c={c} />}
        <div id="flash" aria-live="polite"></div>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** What people read for the errors they meet; a field's validation message is shown as it is. */
const ERROR_TEXT: Record<string, string> = {
  csrf: "El formulario caducó o no viene de esta página. Recarga la página e inténtalo de nuevo.",
  forbidden: "Tu rol no puede abrir esta página.",
  unauthorized: "Inicia sesión para continuar.",
  not_found: "No encontramos lo que buscas.",
  rate_limited: "Demasiados intentos. Espera unos minutos.",
  conflict: "Alguien más ya actuó sobre esto. Recarga la página.",
};

export const errorText = (code: string, message: string) => ERROR_TEXT[code] ?? message;

/** An error as a page, for people (the API's clients get JSON). */
export function ErrorPage({ c, status, code, message }: { c: Context<AppEnv>; status: number; code: string; message: string }) {
  const title = status === 403 ? "Sin acceso" : status === 404 ? "No encontrado" : status === 429 ? "Demasiados intentos" : status < 500 ? "No se pudo" : "Algo salió mal";
  message = errorText(code, message);
  return (
    <Page title={title} c={c}>
      <section class="card narrow">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href={c.get("user") ? "/console" : "/console/login"}>Volver</a>
        </p>
      </section>
    </Page>
  );
}
