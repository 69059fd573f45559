import type { Child } from "hono/jsx";

/**
 * The little Markdown the graphs write for people (Agent Inbox descriptions: `**bold**`, `> quoted` lines, blank
 * lines between paragraphs), as elements. Everything else stays text, escaped by JSX: a customer's words quoted in a
 * summary can never become markup.
 */
export function Markdown({ text }: { text: string }) {
  return <>{text.split(/\n{2,}/).map(block)}</>;
}

function block(text: string) {
  const lines = text.split("\n");
  if (lines.every((l) => l.startsWith(">"))) return <blockquote>{lines.map((l, i) => [i > 0 && <br />, inline(l.replace(/^>\s?/, ""))])}</blockquote>;
  return <p>{lines.map((l, i) => [i > 0 && <br />, inline(l)])}</p>;
}

function inline(line: string): Child[] {
  return line.split(/\*\*(.+?)\*\*/g).map((part, i) => (i % 2 === 1 ? <strong>{part}</strong> : part));
}
