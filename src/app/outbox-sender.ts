import { z } from "zod";
import type { Channel } from "../domain/channel.js";
import type { DueMessage } from "../store/outbox.js";
import type { CareRuntime } from "./care-runtime.js";
import type { ChannelSender } from "./channels/sender.js";
import type { Logger } from "./logger.js";

/** How long one attempt may take, and how many a message gets. */
export const OutboxOptions = z.object({
  maxAttempts: z.number().int().min(1).default(8),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type OutboxOptions = z.infer<typeof OutboxOptions>;

/** Each channel's way out (src/app/channels/): the address a customer wrote from names the channel. */
export type ChannelSenders = Partial<Record<Channel, ChannelSender>>;

const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** A look for due messages without a wake-up: a lost notification, or SQLite written by another process. */
const POLL_MS = 1_000;
/** How long past its timeout an attempt keeps its lease: a process that dies mid-attempt releases it then. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends the outbox, each message through its channel's sender (WhatsApp, Telegram). Each is tried until the
 * provider accepts it: network errors, timeouts, 429 and 5xx back off exponentially (honouring the wait the
 * provider asks for), other 4xx answers (a number that is not on WhatsApp, a chat that blocked the bot) mark
 * it failed at once, and after `maxAttempts` it is failed too. A message for a channel this process has no
 * sender for waits for a process that has one. State lives in the outbox table, so a restart carries on where
 * the last process stopped; a crash between the provider's answer and our write sends that message again (at
 * least once, never lost).
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  private poll: NodeJS.Timeout | undefined;
  private inFlight = new AbortController();

  private readonly cfg: OutboxOptions;
  /** The channels this process sends on: messages to others wait for a process that has their sender. */
  private readonly channels: string[];

  constructor(
    private readonly rt: CareRuntime,
    private readonly senders: ChannelSenders,
    private readonly log: Logger,
    options: Partial<OutboxOptions> = {},
  ) {
    this.cfg = OutboxOptions.parse(options);
    this.channels = Object.entries(senders).flatMap(([channel, s]) => (s ? [channel] : []));
  }

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
    const due = () => outbox.due(now(), undefined, this.channels);
    for (let batch = await due(); batch.length > 0 && !this.stopped; batch = await due()) {
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
      next = await this.rt.store.outbox.nextDue(this.channels);
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

  private attempt(m: DueMessage) {
    // `due` returned only messages on this process's channels.
    return this.senders[m.channel as Channel]!.send(m, AbortSignal.any([AbortSignal.timeout(this.cfg.timeoutMs), this.inFlight.signal]));
  }
}
