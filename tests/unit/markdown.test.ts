import { describe, expect, it } from "vitest";
import { Markdown } from "../../src/server/pages/markdown.js";

const html = (text: string) => String(Markdown({ text }));

describe("Markdown (the summaries the graphs write for people)", () => {
  it("renders bold, quoted lines and paragraphs as elements", () => {
    expect(html("**Motivo:** human_request (prioridad 7)\n\n> Hola\n> otra línea")).toBe(
      "<p><strong>Motivo:</strong> human_request (prioridad 7)</p><blockquote>Hola<br/>otra línea</blockquote>",
    );
  });

  it("quotes the `>` lines under a heading line in the same paragraph", () => {
    expect(html("**Últimos mensajes:**\n> uno\n> dos")).toBe("<p><strong>Últimos mensajes:</strong></p><blockquote>uno<br/>dos</blockquote>");
  });

  it("keeps a customer's markup as text, inside a quote or bold too", () => {
    const out = html('> <img src=x onerror="alert(1)">\n\n**<script>alert(1)</script>**');
    expect(out).not.toMatch(/<img|<script/);
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain("<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>");
  });
});
