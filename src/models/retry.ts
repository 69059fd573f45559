export interface RetryOptions {
  retries: number;
  baseMs: number;
  maxMs?: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504]);

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; response?: { status?: unknown } };
  const s = e?.status ?? e?.response?.status;
  return typeof s === "number" ? s : undefined;
}

/** Rate limits, server errors, timeouts and dropped connections are worth another try; a 400 is not. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return RETRYABLE_STATUS.has(status);
  const name = (error as Error)?.name ?? "";
  const message = (error as Error)?.message ?? "";
  return /timeout|timed out|connection|ECONNRESET|ECONNREFUSED|socket hang up|fetch failed/i.test(`${name} ${message}`);
}

/** The wait a rate-limited answer asks for (Retry-After-Ms or Retry-After seconds), from an error or a response. */
export function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, string> | Headers })?.headers;
  const get = (k: string) => (headers instanceof Headers ? headers.get(k) : headers?.[k]) ?? undefined;
  const ms = Number(get("retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const s = Number(get("retry-after"));
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  return undefined;
}

/** A wait that an abort ends early; it leaves no listener behind on a signal that lives longer (a whole run's). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const abort = () => (clearTimeout(t), reject(signal!.reason));
    const t = setTimeout(() => (signal?.removeEventListener("abort", abort), resolve()), ms);
    signal?.addEventListener("abort", abort, { once: true });
  });

/** Exponential backoff with full jitter; honours Retry-After. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= o.retries || !isRetryable(error) || o.signal?.aborted) throw error;
      const cap = Math.min(o.maxMs ?? 8000, o.baseMs * 2 ** attempt);
      const delay = Math.min(o.maxMs ?? 8000, retryAfterMs(error) ?? Math.random() * cap);
      o.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, o.signal);
    }
  }
}
