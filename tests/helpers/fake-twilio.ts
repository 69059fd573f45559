import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TwilioRequest {
  path: string;
  authorization: string | undefined;
  form: Record<string, string>;
}

/** What the fake answers one request with: Twilio's 201, or an error status with Twilio's error body. */
export type TwilioReply = { status: 201 } | { status: number; code?: number; message?: string; headers?: Record<string, string> };

/** Twilio's Messages API on 127.0.0.1: records each request (form-encoded, Basic auth) and answers as scripted. */
export class FakeTwilio {
  readonly requests: TwilioRequest[] = [];
  private script: TwilioReply[] = [];
  private server!: Server;
  private waiters: Array<() => void> = [];
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        this.requests.push({ path: req.url ?? "", authorization: req.headers.authorization, form: Object.fromEntries(new URLSearchParams(body)) });
        const reply = this.script.shift() ?? { status: 201 };
        const sid = `SM${this.requests.length.toString(16).padStart(32, "0")}`;
        res.writeHead(reply.status, { "content-type": "application/json", ...("headers" in reply ? reply.headers : {}) });
        res.end(JSON.stringify(reply.status === 201 ? { sid, status: "queued" } : { code: "code" in reply ? reply.code : 20500, message: "message" in reply ? reply.message : "error", status: reply.status }));
        this.waiters.splice(0).forEach((w) => w());
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers for the next requests, in order; 201 after that. */
  reply(...replies: TwilioReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Resolves once `n` requests have arrived in all. */
  async received(n: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < n) {
      if (Date.now() > deadline) throw new Error(`fake Twilio: ${this.requests.length} of ${n} requests after ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
