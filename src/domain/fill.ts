import type { IssueBucket } from "./segment.js";
import { SLOTS, type Mode, type SlotText, type Template } from "./template.js";

export type TemplateVars = Record<string, string>;

function pick(text: SlotText, issue: IssueBucket): string {
  return typeof text === "string" ? text : text[issue];
}

/** Replaces {{name}}; an unknown name is a bug in a template file, so it throws rather than leak braces to a customer. */
export function interpolate(text: string, vars: TemplateVars): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`template variable {{${name}}} has no value`);
    return v;
  });
}

/** The template's five slots, in order, for this mode and issue bucket. */
export function fillTemplate(t: Template, mode: Mode, issue: IssueBucket, vars: TemplateVars): string {
  const parts = SLOTS.map((slot) => {
    const text = (mode === "outreach" ? t.outreach[slot] : undefined) ?? t.slots[slot];
    return interpolate(pick(text, issue), vars);
  });
  const [saludo, ...rest] = parts;
  const firma = rest.pop();
  return `${saludo} ${rest.join(" ")}\n${firma}`;
}
