import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { ActionRefusedError } from "../../app/handoff-actions.js";

export interface ErrorIssue {
  path: string;
  message: string;
}

/** An answer the client caused: status, a stable code, a message naming the field at fault. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, "not_found", `${what} not found`);
export const conflict = (message: string) => new HttpError(409, "conflict", message);

/** A person's action the rules refused (src/app/handoff-actions.ts), as /v1 answers it. */
export function refusedHttp(e: ActionRefusedError): HttpError {
  if (e.kind === "missing") return new HttpError(404, "not_found", e.message);
  if (e.kind === "forbidden") return new HttpError(403, "forbidden", e.message);
  return conflict(e.message);
}

function issuesOf(error: z.ZodError, where: string): ErrorIssue[] {
  return error.issues.map((i) => ({ path: [where, ...i.path].join("."), message: i.message }));
}

export function invalid(error: z.ZodError, where: string): HttpError {
  const issues = issuesOf(error, where);
  return new HttpError(400, "invalid_request", issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: "body" | "query" | "path" | "form" | "header", o: { people?: boolean } = {}): T {
  // A schema's own message (a page's es-MX words) wins over the locale's.
  const r = schema.safeParse(value, o.people ? { error: PEOPLE_LOCALE } : undefined);
  if (!r.success) throw invalid(r.error, where);
  return r.data;
}

export async function readJson<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "body: not valid JSON");
  }
  return parseWith(schema, body, "body");
}

export function readQuery<T>(c: Context, schema: z.ZodType<T>): T {
  return parseWith(schema, c.req.query(), "query");
}

export function errorBody(e: HttpError) {
  return { error: { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) } };
}

/** A select left on "all" (or a field left blank) sends an empty value: the same as not sending the field. */
export const unlessBlank = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** Query-string integers and booleans arrive as text. */
export const queryInt = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** What zod says of a field, in the words of the people who fill the pages' forms (the API's clients read English). */
const PEOPLE_LOCALE = z.locales.es().localeError;

/** A form post (urlencoded or multipart) without its CSRF field, checked against `schema`; a refusal in es-MX. */
export async function readForm<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const { _csrf: _token, ...fields } = await c.req.parseBody();
  return parseWith(schema, fields, "form", { people: true });
}
