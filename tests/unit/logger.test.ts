import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { log: createLogger({ level: "info", destination }), lines: () => lines.map((l) => JSON.parse(l)) };
}

describe("logger", () => {
  it("redacts phone and card numbers in messages and fields", () => {
    const c = capture();
    c.log.info({ from: "whatsapp:+5215512345678", note: { card: "4111 1111 1111 1111" } }, "mensaje de 55 1234 5678");
    const [line] = c.lines();
    expect(JSON.stringify(line)).not.toMatch(/12345678|4111/);
    expect(line.msg).toBe("mensaje de [teléfono]");
    expect(line.note.card).toBe("**** **** **** 1111");
  });

  it("leaves thread and request ids as they are", () => {
    const c = capture();
    const path = "/threads/00000000-0000-0000-0000-000000000000/state";
    const requestId = "12345678-1234-4234-8234-123456789012";
    c.log.info({ path, request_id: requestId }, `GET ${path}`);
    const [line] = c.lines();
    expect(line).toMatchObject({ path, request_id: requestId, msg: `GET ${path}` });
  });

  it("keeps an error's message and stack, redacted", () => {
    const c = capture();
    c.log.error({ err: new Error("no pude escribir al 5512345678") }, "request failed");
    const [line] = c.lines();
    expect(line.err.message).toBe("no pude escribir al [teléfono]");
    expect(line.err.stack).toMatch(/^Error: no pude escribir al \[teléfono\]/);
    expect(line.err.type).toBe("Error");
  });

  it("redacts what an error carries besides its message, and fields however deep", () => {
    const c = capture();
    // As HTTP clients' errors do: the provider's answer, echoing the message it refused, and the request's headers.
    const e = Object.assign(new Error("provider said no"), {
      body: { error: { message: "The 'To' number whatsapp:+5215512345678 is not valid" } },
      headers: { Authorization: "Bearer sk-fake-0123456789abcdef", "x-api-key": "care-key-0123456789" },
    });
    c.log.error({ err: e, request: { a: { b: { c: { d: { e: { f: "cel 55 1234 5678" } } } } } } }, "send failed");
    const text = JSON.stringify(c.lines()[0]);
    expect(text).not.toMatch(/12345678|sk-fake|care-key/);
    expect(c.lines()[0].err.body.error.message).toBe("The 'To' number whatsapp:[teléfono] is not valid");
  });
});
