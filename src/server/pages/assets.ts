import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { Hono } from "hono";
import { PROJECT_ROOT } from "../../store/assets.js";
import type { AppEnv } from "../env.js";
import { notFound } from "../helper/http.js";

const resolve = createRequire(import.meta.url).resolve;

/** Libraries served from their npm packages under our own names: no CDN, the versions package-lock.json pins. */
const LIBRARIES: Record<string, string> = {
  "htmx.js": "htmx.org/dist/htmx.min.js",
  "sse.js": "htmx-ext-sse/dist/sse.min.js",
  "uplot.js": "uplot/dist/uPlot.iife.min.js",
  "uplot.css": "uplot/dist/uPlot.min.css",
};

interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", svg: "image/svg+xml" };

function asset(body: Buffer, name: string): Asset {
  return { body, gzip: gzipSync(body, { level: 9 }), type: TYPES[name.split(".").pop()!]!, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"` };
}

/** Every asset, read once: the libraries and our own files in public/assets/. */
function load(): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const [name, path] of Object.entries(LIBRARIES)) out.set(name, asset(readFileSync(resolve(path)), name));
  const own = join(PROJECT_ROOT, "public/assets");
  for (const name of readdirSync(own)) if (/^[a-z0-9-]+\.(js|css|svg)$/.test(name)) out.set(name, asset(readFileSync(join(own, name)), name));
  return out;
}

let assets: Map<string, Asset> | undefined;

/** The bytes a browser downloads for an asset (gzip-compressed): what the per-page JavaScript budget counts. */
export const gzippedSize = (name: string) => (assets ??= load()).get(name)?.gzip.length;

/** /assets/<name>: gzip when the browser takes it, revalidated by ETag after five minutes. */
export function assetsRouter() {
  return new Hono<AppEnv>().get("/:name", (c) => {
    const a = (assets ??= load()).get(c.req.param("name"));
    if (!a) throw notFound(`asset ${c.req.param("name")}`);
    c.header("Content-Type", a.type);
    c.header("Cache-Control", "public, max-age=300");
    c.header("ETag", a.etag);
    c.header("Vary", "Accept-Encoding");
    c.header("X-Content-Type-Options", "nosniff");
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304);
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      c.header("Content-Encoding", "gzip");
      return c.body(new Uint8Array(a.gzip));
    }
    return c.body(new Uint8Array(a.body));
  });
}
