import type { Child } from "hono/jsx";

/**
 * The little Markdown the graphs write for people (Agent Inbox descriptions: `**bold**`, `> quoted` lines, blank
 * lines between paragraphs), as elements. Everything else stays text, escaped by JSX: a customer's words quoted in a
 * summary can never become markup.
 */
export function Markdown({ text }: { text: string }) {
  return <>{text.split(/\n{2,}/).map(block)}</>;
}

/** A paragraph: its lines, with each run of `>` lines as one quote. */
function block(text: string) {
  const runs: Array<{ quote: boolean; lines: string[] }> = [];
  for (const line of text.split("\n")) {
    const quote = line.startsWith(">");
    const last = runs.at(-1);
    if (last && last.quote === quote) last.lines.push(quote ? line.replace(/^>\s?/, "") : line);
    else runs.push({ quote, lines: [quote ? line.replace(/^>\s?/, "") : line] });
  }
  const lines = (ls: string[]) => ls.map((l, i) => [i > 0 && <br />, inline(l)]);
  const parts = runs.map((r) => (r.quote ? <blockquote>{lines(r.lines)}</blockquote> : <p>{lines(r.lines)}</p>));
  return <>{parts}</>;
}

function inline(line: string): Child[] {
  return line.split(/\*\*(.+?)\*\*/g).map((part, i) => (i % 2 === 1 ? <strong>{part}</strong> : part));
}
