import { pino, stdSerializers, type DestinationStream, type Logger } from "pino";
import { redactPii } from "../domain/pii.js";

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactPii(value);
  // Errors reach the err serializer below intact (their message and stack are not enumerable).
  if (depth > 4 || value === null || typeof value !== "object" || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** pino's error serializer, then the same redaction on its message and stack. */
function errSerializer(e: Error) {
  const s = stdSerializers.err(e);
  return { ...s, message: redactPii(s.message ?? ""), stack: redactPii(s.stack ?? "") };
}

/** JSON logs; phone-like and card-like numbers are replaced in every string, message, fields and errors. */
export function createLogger(o: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: o.level ?? "info",
      base: { service: "care-graph" },
      serializers: { err: errSerializer },
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
