import { pino, type DestinationStream, type Logger } from "pino";
import { redactPii } from "../domain/text-rules.js";

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactPii(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** JSON logs; phone-like and card-like numbers are replaced in every string, message and fields alike. */
export function createLogger(o: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: o.level ?? process.env.LOG_LEVEL ?? "info",
      base: { service: "care-graph" },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? redactPii(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    o.destination,
  );
}

export type { Logger };
