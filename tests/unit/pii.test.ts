import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findPii, redactPii } from "../../src/domain/pii.js";

describe("redactPii", () => {
  it("masks a card to its last four digits, whatever the separators", () => {
    for (const card of ["4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242"])
      expect(redactPii(`me cobraron a la ${card} dos veces`), card).toBe("me cobraron a la **** **** **** 4242 dos veces");
    // Amex, 15 digits.
    expect(redactPii("amex 3782 822463 10005")).toBe("amex **** **** **** 0005");
  });

  it("removes Mexican and international phone numbers", () => {
    for (const phone of ["+52 55 1234 5678", "55-1234-5678", "5512345678", "(55) 1234-5678", "+52 1 55 1234 5678", "+1 234 901 3030"])
      expect(redactPii(`llámame al ${phone} por favor`), phone).toBe("llámame al [teléfono] por favor");
    expect(redactPii("from whatsapp:+5215512345678")).toBe("from whatsapp:[teléfono]");
    expect(redactPii("tel:+525512345678.")).toBe("tel:[teléfono].");
    // A colon after the number ends a sentence part (only one before more digits makes it a timestamp's date);
    // phones autocorrect dashes into en and em dashes.
    expect(redactPii("mi número: 55 1234 5678: llámame")).toBe("mi número: [teléfono]: llámame");
    for (const phone of ["55–1234–5678", "55—1234—5678", "55 – 1234 – 5678"]) expect(redactPii(`cel ${phone}`), phone).toBe("cel [teléfono]");
    expect(redactPii("tarjeta 4111–1111–1111–1111")).toBe("tarjeta **** **** **** 1111");
  });

  it("finds a phone after a short number in the same run", () => {
    expect(redactPii("pedido 12 55 1234 5678")).toBe("pedido 12 [teléfono]");
  });

  it("leaves UUIDs, request ids, timestamps, prices, folios and customer ids alone", () => {
    const keep = [
      "/threads/00000000-0000-0000-0000-000000000000/state",
      "request 12345678-1234-4234-8234-123456789012 failed",
      "2026-11-29T20:22:44.123Z",
      "2026-11-29 20:22:44",
      "2026-11-29T20:22:44-06:00",
      "precio $250,000 o $1,250,000.00 MXN y $5512345678",
      "folio F-2026-001234, folio KVK-5512345678 y cliente C0001",
      "cliente wa-1234567890abcdef1234 con SID SM1234567890abcdef1234567890abcdef",
      "el año 2024 y el precio 350000",
      "modelos 2018–2024, de 350000–400000 pesos",
    ];
    for (const text of keep) expect(redactPii(text), text).toBe(text);
  });

  it("leaves every request id the server makes alone", () => {
    // Hono's requestId() makes crypto.randomUUID(); many have all-digit groups that look like a phone.
    for (let i = 0; i < 5000; i++) {
      const id = randomUUID();
      expect(redactPii(`request_id ${id}`)).toBe(`request_id ${id}`);
    }
  });

  it("masks every number in a text, and a masked text stays as it is", () => {
    const once = redactPii("tarjeta 4111 1111 1111 1111, cel 5512345678, otra vez 4111 1111 1111 1111");
    expect(once).toBe("tarjeta **** **** **** 1111, cel [teléfono], otra vez **** **** **** 1111");
    expect(redactPii(once)).toBe(once);
    expect(findPii(once)).toEqual([]);
  });
});
