import { Hono, type Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { checkPassword, closeSession, openSession, SESSION_TTL_MS } from "../../app/people.js";
import { hasRole, type SessionUser } from "../../domain/user.js";
import type { AppEnv } from "../env.js";
import { HttpError, readForm } from "../helper/http.js";
import { LoginThrottle } from "../helper/login-throttle.js";
import { clientAddress } from "../middleware/rate-limit.js";
import { cookieName, SESSION_COOKIE, writeCookie } from "../middleware/session.js";
import { CsrfField, Page } from "./layout.js";
import type { PagesOptions } from "./options.js";

/** Only a path of ours: "//evil.example" or "https://…" would send a fresh session elsewhere. */
const Next = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/)
  .max(500)
  .optional()
  .catch(undefined);

const LoginForm = z.object({ name: z.string().max(64), password: z.string().max(256), next: Next });

const home = (user: SessionUser) => (hasRole(user, ["agent"]) ? "/console/inbox" : "/console");

function LoginPage({ c, next, error, name }: { c: Context<AppEnv>; next?: string; error?: string; name?: string }) {
  return (
    <Page title="Iniciar sesión" c={c}>
      <section class="card narrow">
        <h1>Iniciar sesión</h1>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <form method="post" action="/console/login" class="stack">
          <CsrfField c={c} />
          {next && <input type="hidden" name="next" value={next} />}
          <label>
            Usuario
            <input name="name" autocomplete="username" required value={name ?? ""} autofocus />
          </label>
          <label>
            Contraseña
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <button type="submit">Entrar</button>
        </form>
      </section>
    </Page>
  );
}

/** Sign in and out. A wrong name and a wrong password read the same, and take as long. */
export function loginPages(rt: CareRuntime, o: PagesOptions) {
  const throttle = new LoginThrottle();
  return new Hono<AppEnv>()
    .get("/login", (c) => {
      const user = c.get("user");
      const next = Next.parse(c.req.query("next"));
      if (user) return c.redirect(next ?? home(user), 302);
      return c.html(<LoginPage c={c} next={next} />);
    })
    .post("/login", async (c) => {
      const form = await readForm(c, LoginForm);
      const name = form.name.trim().toLowerCase();
      const address = clientAddress(c, o.cookies.trustProxy);
      const wait = throttle.begin(name, address);
      if (wait > 0) {
        c.header("Retry-After", String(wait));
        throw new HttpError(429, "rate_limited", `too many failed sign-ins; try again in ${wait} s`);
      }
      const user = await checkPassword(rt.store, name, form.password);
      if (!user) {
        return c.html(<LoginPage c={c} next={form.next} name={name} error="Usuario o contraseña incorrectos." />, 401);
      }
      throttle.succeeded(name, address);
      // The session the browser held before (someone else's, on a shared computer) ends here, not at its expiry.
      const previous = getCookie(c, cookieName(c, o.cookies, SESSION_COOKIE));
      if (previous) await closeSession(rt.store, previous);
      const { token } = await openSession(rt.store, user);
      writeCookie(c, o.cookies, SESSION_COOKIE, token, { sameSite: "Lax", maxAgeSeconds: SESSION_TTL_MS / 1000 });
      return c.redirect(form.next ?? home(user), 303);
    })
    .post("/logout", async (c) => {
      const name = cookieName(c, o.cookies, SESSION_COOKIE);
      const token = getCookie(c, name);
      if (token) await closeSession(rt.store, token);
      deleteCookie(c, name, { path: "/", secure: name.startsWith("__Host-") });
      return c.redirect("/console/login", 303);
    });
}
