import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  tools?: Array<{ type: string; function: { name: string } }>;
  tool_choice?: unknown;
  /** Set by the client when a caller listens for tokens (e.g. a graph run under streamEvents). */
  stream?: boolean;
}

/** What the fake server does with one request: answer, fail with a status, or hang. */
export type Reply =
  | { kind: "content"; content: string }
  | { kind: "tool_call"; name: string; args: unknown }
  /** Several calls in one answer (parallel tool calls). */
  | { kind: "tool_calls"; calls: Array<{ name: string; args: unknown }> }
  | { kind: "error"; status: number; message: string; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "delay"; ms: number; then: Reply };

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1, speaking the real wire format, whose
 * answers the test scripts request by request.
 */
export class FakeOpenAI {
  readonly requests: ChatRequest[] = [];
  private script: Array<(req: ChatRequest) => Reply> = [];
  private fallback: (req: ChatRequest) => Reply = () => ({ kind: "error", status: 500, message: "no scripted reply" });
  private server!: Server;
  private hanging: ServerResponse[] = [];
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  /** Replies for the next requests, in order; then `otherwise` for every later one. */
  reply(...replies: Array<Reply | ((req: ChatRequest) => Reply)>): this {
    this.script.push(...replies.map((r) => (typeof r === "function" ? r : () => r)));
    return this;
  }

  otherwise(reply: Reply | ((req: ChatRequest) => Reply)): this {
    this.fallback = typeof reply === "function" ? reply : () => reply;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
    this.requests.push(body);
    let reply = (this.script.shift() ?? this.fallback)(body);
    while (reply.kind === "delay") {
      await new Promise((r) => setTimeout(r, (reply as { ms: number }).ms));
      reply = (reply as { then: Reply }).then;
    }
    if (reply.kind === "hang") {
      this.hanging.push(res);
      return;
    }
    if (reply.kind === "error") {
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify({ error: { message: reply.message, type: "server_error", code: null } }));
      return;
    }
    // Ids unique per answer, as the API's are: a tool keyed on its call id (the desk's idempotency) sees each call once.
    const calls = reply.kind === "tool_call" ? [{ name: reply.name, args: reply.args }] : reply.kind === "tool_calls" ? reply.calls : [];
    const message =
      reply.kind === "content"
        ? { role: "assistant", content: reply.content }
        : {
            role: "assistant",
            content: null,
            tool_calls: calls.map((c, i) => ({ id: `call_${this.requests.length}_${i}`, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args) } })),
          };
    if (body.stream) {
      this.streamAnswer(res, body, message);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message, finish_reason: reply.kind === "content" ? "stop" : "tool_calls", logprobs: null }],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      }),
    );
  }

  /** The same answer as server-sent chunks, as the API sends it to a client that asked to stream. */
  private streamAnswer(res: ServerResponse, body: ChatRequest, message: { content: string | null; tool_calls?: Array<Record<string, unknown>> }) {
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        id: `chatcmpl-${this.requests.length}`,
        object: "chat.completion.chunk",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream" });
    const parts = message.tool_calls
      ? [chunk({ role: "assistant", content: null, tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) }, null)]
      : (message.content!.match(/.{1,16}/gs) ?? [""]).map((piece, i) => chunk(i === 0 ? { role: "assistant", content: piece } : { content: piece }, null));
    res.end([...parts, chunk({}, message.tool_calls ? "tool_calls" : "stop"), "data: [DONE]\n\n"].join(""));
  }
}
