import type { PlateFormat } from "../domain/fine.js";

/** Reads a Mexican plate as a customer types it, against the shapes of data/plate-formats.json. */
export interface PlateReader {
  /** The plate as printed ("ABC-123-D") when the text has one of the accepted shapes; undefined otherwise. */
  parse(text: string): string | undefined;
  /** One example per accepted shape, for a customer told their plate was not read. */
  readonly examples: readonly string[];
}

const CLASS = { L: /[A-Z]/, D: /\d/ } as const;

/**
 * Separators, spaces and case are dropped before comparing ("abc 123 d", "ABC-123-D" and "abc123d" are one
 * plate), then the characters must fit a shape letter for letter; the plate is written back with the
 * shape's dashes. The shapes never overlap (they differ in length or in a position's class), so at most one fits.
 */
export function plateReader(formats: readonly PlateFormat[]): PlateReader {
  return {
    examples: formats.map((f) => f.example),
    parse(text) {
      const bare = text.toUpperCase().replace(/[\s.\-\u2010-\u2015]/g, "");
      for (const { shape } of formats) {
        const classes = shape.replace(/-/g, "");
        if (bare.length !== classes.length || ![...bare].every((ch, i) => CLASS[classes[i] as "L" | "D"].test(ch))) continue;
        let at = 0;
        return shape
          .split("-")
          .map((part) => bare.slice(at, (at += part.length)))
          .join("-");
      }
      return undefined;
    },
  };
}
