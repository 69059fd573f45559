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
});
