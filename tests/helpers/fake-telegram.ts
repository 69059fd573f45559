import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TelegramRequest {
  method: string;
  /** The token the request's path carried (/bot<token>/<method>). */
  token: string;
  body: Record<string, unknown>;
}

/** What the fake answers one request with, beyond its default (the message sent). */
export type TelegramReply = { error_code: number; description?: string; retry_after?: number };

const DESCRIPTIONS: Record<number, string> = {
  400: "Bad Request: chat not found",
  401: "Unauthorized",
  403: "Forbidden: bot was blocked by the user",
  429: "Too Many Requests: retry after {s}",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

/**
 * The Telegram Bot API's sendMessage on 127.0.0.1, in its own shapes: `{ ok: true, result: Message }`, or
 * `{ ok: false, error_code, description, parameters }` with the error code as the HTTP status. A token other
 * than its bot's is a 401, a method other than sendMessage a 404, as the real API answers. Records each request.
 */
export class FakeTelegram {
  readonly requests: TelegramRequest[] = [];
  /** The messages it accepted, in order. */
  readonly delivered: Array<{ chat_id: unknown; text: string }> = [];
  private script: TelegramReply[] = [];
  private server!: Server;
  private nextMessageId = 1;
  url = "";

  constructor(readonly token: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", () => {
        const [, token = "", method = ""] = /^\/bot([^/]*)\/([^/?]*)/.exec(req.url ?? "") ?? [];
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          // Recorded empty: a test looks at what arrived.
        }
        this.requests.push({ method, token, body });
        const answer = (status: number, json: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(json));
        };
        const fail = ({ error_code, description, retry_after }: TelegramReply) =>
          answer(error_code, {
            ok: false,
            error_code,
            description: (description ?? DESCRIPTIONS[error_code] ?? "Error").replace("{s}", String(retry_after ?? 1)),
            ...(retry_after !== undefined && { parameters: { retry_after } }),
          });
        if (token !== this.token) return fail({ error_code: 401 });
        if (method !== "sendMessage") return fail({ error_code: 404, description: "Not Found" });
        const scripted = this.script.shift();
        if (scripted) return fail(scripted);
        if (typeof body.text !== "string" || body.text === "") return fail({ error_code: 400, description: "Bad Request: message text is empty" });
        const chatId = body.chat_id;
        this.delivered.push({ chat_id: chatId, text: body.text });
        answer(200, {
          ok: true,
          result: {
            message_id: this.nextMessageId++,
            from: { id: Number(this.token.split(":")[0]), is_bot: true, first_name: "Kavak", username: "kavak_test_bot" },
            chat: { id: chatId, first_name: "Cliente", type: "private" },
            date: Math.floor(Date.now() / 1000),
            text: body.text,
          },
        });
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Errors for the next sendMessage requests, in order; success after that. */
  reply(...replies: TelegramReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** The texts delivered to one chat, in order. */
  sentTo(chatId: number): string[] {
    return this.delivered.filter((m) => m.chat_id === chatId).map((m) => m.text);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
