import type { Hono } from "hono";
import { TEST_PASSWORD } from "./browser.js";

type App = Pick<Hono<any>, "request">;

/**
 * A browser's part for app.request: a cookie jar, and the CSRF token of the last page read (the hidden _csrf
 * field or the hx-headers the layout renders).
 */
export class ConsoleClient {
  private readonly cookies = new Map<string, string>();
  csrf = "";

  constructor(
    private readonly app: App,
    private readonly base = "http://127.0.0.1",
    /** Sent with every request (e.g. a proxy's X-Forwarded-Proto). */
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers({ ...this.headers, ...Object.fromEntries(new Headers(init.headers)) });
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await this.app.request(`${this.base}${path}`, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GET a page, following redirects, and keep its CSRF token. */
  async page(path: string): Promise<{ res: Response; html: string }> {
    let res = await this.request(path);
    for (let hops = 0; hops < 5 && [301, 302, 303].includes(res.status); hops++) res = await this.request(res.headers.get("location")!);
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? /&quot;X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { res, html };
  }

  /** A form post with the token (unless `csrf: false`). */
  form(path: string, fields: Record<string, string>, o: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    const body = new URLSearchParams({ ...fields, ...(o.csrf === false ? {} : { _csrf: this.csrf }) });
    return this.request(path, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", ...o.headers } });
  }

  async signIn(name: string, password = TEST_PASSWORD): Promise<Response> {
    await this.page("/console/login");
    const res = await this.form("/console/login", { name, password });
    if (res.status === 303) await this.page(res.headers.get("location")!);
    return res;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
}
