import { pino, stdSerializers, type DestinationStream, type Logger } from "pino";
import { redactPii } from "../domain/pii.js";

/** Fields that hold a credential, at any depth (an HTTP client's error may carry its request's headers). */
const SECRET = /^(?:authorization|proxy-authorization|cookie|x-api-key|api[-_]?key|(?:auth[-_]?)?token|password|secret)$/i;
const DEPTH = 8;

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactPii(value);
  // Errors reach the err serializer below intact (their message and stack are not enumerable).
  if (value === null || typeof value !== "object" || value instanceof Error) return value;
  // Deeper than any field we log: its text could hold anything, so it is not written.
  if (depth >= DEPTH) return "[too deep]";
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET.test(k) ? "[redacted]" : scrub(v, depth + 1)]));
}

/** pino's error serializer (message, stack and what else the error carries), then the same redaction. */
function errSerializer(e: Error) {
  return scrub(stdSerializers.err(e));
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
