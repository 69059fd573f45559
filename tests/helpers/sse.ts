/** One server-sent event as a browser's EventSource dispatches it. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** The next event not yet taken (waits for it); rejects when the stream ends first. */
  next(): Promise<SseEvent>;
  /** Takes events until one satisfies `pred`, and answers it. */
  until(pred: (e: SseEvent) => boolean): Promise<SseEvent>;
  /** Comment lines seen (heartbeats). */
  comments(): number;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * A real HTTP client of an SSE endpoint (fetch on a listening server, or any Response's body), parsing the
 * stream as the spec says: fields per line, an event dispatched at a blank line, comments apart. With `onEvent`
 * the events go there as they arrive (a benchmark's thousands) instead of being held for next().
 */
export async function openSse(url: string, init: RequestInit & { onEvent?: (e: SseEvent) => void } = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { ...init, headers: { accept: "text/event-stream", ...init.headers }, signal: abort.signal });
  return readSse(res, () => abort.abort(), init.onEvent);
}

export function readSse(res: Response, close: () => void, onEvent?: (e: SseEvent) => void): SseClient {
  const queue: SseEvent[] = [];
  const waiters: Array<{ resolve: (e: SseEvent) => void; reject: (e: Error) => void }> = [];
  let comments = 0;
  let done = false;

  const dispatch = (e: SseEvent) => {
    if (onEvent) return onEvent(e);
    const w = waiters.shift();
    if (w) w.resolve(e);
    else queue.push(e);
  };

  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    let fields: { event?: string; data: string[]; id?: string } = { data: [] };
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
          if (line === "") {
            if (fields.data.length > 0) dispatch({ event: fields.event ?? "message", data: fields.data.join("\n"), id: fields.id });
            fields = { data: [] };
          } else if (line.startsWith(":")) comments++;
          else {
            const colon = line.indexOf(":");
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (name === "data") fields.data.push(value);
            else if (name === "event") fields.event = value;
            else if (name === "id") fields.id = value;
          }
        }
      }
    } catch {
      // aborted by close(): the stream ends here
    } finally {
      done = true;
      for (const w of waiters.splice(0)) w.reject(new Error("the event stream ended"));
    }
  })();

  const next = () => {
    const e = queue.shift();
    if (e) return Promise.resolve(e);
    if (done) return Promise.reject(new Error("the event stream ended"));
    return new Promise<SseEvent>((resolve, reject) => void waiters.push({ resolve, reject }));
  };
  return {
    status: res.status,
    headers: res.headers,
    next,
    async until(pred) {
      for (;;) {
        const e = await next();
        if (pred(e)) return e;
      }
    },
    comments: () => comments,
    ended,
    close,
  };
}
