import { z } from "zod";
import { isRetryable, retryAfterMs } from "../models/retry.js";
import type { DueMessage } from "../store/outbox.js";
import type { CareRuntime } from "./care-runtime.js";
import type { Logger } from "./logger.js";

/** Twilio's Messages API, for what a person writes to a WhatsApp customer after the webhook has answered. */
export const TwilioRestConfig = z.object({
  accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, "a Twilio account SID (AC…)"),
  authToken: z.string().min(1),
  /** Our WhatsApp sender, e.g. "whatsapp:+14155238886". */
  from: z.string().regex(/^whatsapp:\+\d{6,20}$/, 'a WhatsApp sender like "whatsapp:+14155238886"'),
  apiBase: z.string().url().default("https://api.twilio.com"),
  maxAttempts: z.number().int().min(1).default(8),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type TwilioRestConfig = z.infer<typeof TwilioRestConfig>;

const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** A look for due messages without a wake-up: a lost notification, or SQLite written by another process. */
const POLL_MS = 1_000;
/** How long past its timeout an attempt keeps its lease: a process that dies mid-attempt releases it then. */
const LEASE_MARGIN_MS = 30_000;

/** What one attempt came to: sent, worth retrying (after at least `retryAfterMs`), or never going to work. */
type Attempt = { kind: "sent"; providerId: string | null } | { kind: "retry"; error: string; retryAfterMs?: number } | { kind: "permanent"; error: string };

/**
 * Sends the outbox. Each message is tried until Twilio accepts it: network errors, timeouts, 429 and 5xx
 * back off exponentially (honouring Retry-After), other 4xx answers (a number that is not on WhatsApp, a
 * body Twilio refuses) mark it failed at once, and after `maxAttempts` it is failed too. State lives in the
 * outbox table, so a restart carries on where the last process stopped; a crash between Twilio's answer
 * and our write sends that message again (at least once, never lost).
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  private poll: NodeJS.Timeout | undefined;
  private inFlight = new AbortController();

  constructor(
    private readonly rt: CareRuntime,
    private readonly cfg: TwilioRestConfig,
    private readonly log: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Sends what is pending, then whatever is enqueued or falls due later, until `stop`. */
  start(): void {
    this.stopped = false;
    this.inFlight = new AbortController();
    this.unsubscribe = this.rt.store.outbox.onEnqueue(() => this.kick());
    // Messages queued by other processes (a `care-graph worker` answering a WhatsApp message).
    this.unlisten = this.rt.store.listen("outbox", () => this.kick()).catch((e: unknown) => {
      this.log.error({ err: e }, "outbox: could not listen for messages queued elsewhere; polling only");
      return undefined;
    });
    this.poll = setInterval(() => this.kick(), POLL_MS);
    this.poll.unref();
    this.kick();
  }

  /** Sends what is due now, then sleeps until the next message falls due. */
  kick(): void {
    if (this.stopped || this.running) return;
    clearTimeout(this.timer);
    let failed = false;
    this.running = this.flush()
      // The store can fail (SQLITE_BUSY with another process on the file): log it and try again later.
      .catch((e: unknown) => {
        failed = true;
        this.log.error({ err: e }, "outbox flush failed");
      })
      .finally(() => {
        this.running = undefined;
        void this.schedule(failed ? BACKOFF_BASE_MS : 0);
      });
  }

  /** Stops sending: an attempt in flight is aborted (its message stays pending for the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.poll);
    await (await this.unlisten)?.();
    clearTimeout(this.timer);
    this.inFlight.abort(new Error("outbox sender stopped"));
    await this.running;
  }

  /** Every due message, one at a time (a person's messages to one customer keep their order). */
  async flush(now = () => new Date()): Promise<void> {
    const outbox = this.rt.store.outbox;
    for (let batch = await outbox.due(now()); batch.length > 0 && !this.stopped; batch = await outbox.due(now())) {
      for (const m of batch) {
        if (this.stopped) return;
        if (!(await outbox.lease(m, new Date(now().getTime() + this.cfg.timeoutMs + LEASE_MARGIN_MS)))) continue;
        const r = await this.attempt(m);
        if (this.stopped && r.kind !== "sent") return; // aborted by stop: the lease runs out, the next start sends it
        if (r.kind === "sent") await outbox.sent(m.id, r.providerId);
        else if (r.kind === "permanent" || m.attempts + 1 >= this.cfg.maxAttempts) {
          await outbox.failed(m.id, r.error);
          this.log.error({ outbound_id: m.id, customer_id: m.customer_id, error: r.error, attempts: m.attempts + 1 }, "outbound message failed");
        } else {
          const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** m.attempts);
          await outbox.retryAt(m.id, r.error, new Date(now().getTime() + Math.max(backoff, r.kind === "retry" ? (r.retryAfterMs ?? 0) : 0)));
          this.log.warn({ outbound_id: m.id, error: r.error, attempts: m.attempts + 1 }, "outbound message will be retried");
        }
      }
    }
  }

  private async schedule(minDelayMs = 0): Promise<void> {
    if (this.stopped) return;
    let next: Date | undefined;
    try {
      next = await this.rt.store.outbox.nextDue();
    } catch (e) {
      this.log.error({ err: e }, "outbox: could not read when the next message is due");
      next = new Date(Date.now() + BACKOFF_BASE_MS);
    }
    // Stopped meanwhile, or kicked by an enqueue: that flush schedules the next wake-up itself.
    if (!next || this.stopped || this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(minDelayMs, Math.min(BACKOFF_MAX_MS, next.getTime() - Date.now())));
    this.timer.unref();
  }

  private async attempt(m: DueMessage): Promise<Attempt> {
    if (m.channel !== "whatsapp") return { kind: "permanent", error: `no sender for channel ${m.channel}` };
    const url = `${this.cfg.apiBase.replace(/\/$/, "")}/2010-04-01/Accounts/${this.cfg.accountSid}/Messages.json`;
    try {
      const res = await this.fetchImpl(url, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${this.cfg.accountSid}:${this.cfg.authToken}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ To: m.address, From: this.cfg.from, Body: m.body }),
        signal: AbortSignal.any([AbortSignal.timeout(this.cfg.timeoutMs), this.inFlight.signal]),
      });
      const payload = (await res.json().catch(() => ({}))) as { sid?: unknown; code?: unknown; message?: unknown };
      if (res.ok) return { kind: "sent", providerId: typeof payload.sid === "string" ? payload.sid : null };
      const error = `twilio ${res.status}${payload.code ? ` (code ${String(payload.code)})` : ""}: ${String(payload.message ?? res.statusText)}`;
      // 401/403 are our credentials, which an operator can fix: worth the remaining attempts too.
      if (isRetryable({ status: res.status }) || res.status === 401 || res.status === 403) return { kind: "retry", error, retryAfterMs: retryAfterMs(res) };
      return { kind: "permanent", error };
    } catch (e) {
      return { kind: "retry", error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  }
}
