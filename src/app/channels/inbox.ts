import { randomUUID } from "node:crypto";
import type { Channel, ChannelSettings } from "../../domain/channel.js";
import { CHANNELS as CUSTOMER_CHANNELS, type Customer } from "../../domain/customer.js";
import { classifyMessage, type ClassifierKeywords } from "../../domain/message-class.js";
import { segmentOf } from "../../domain/segment.js";
import { loadChannelSettings, loadClassifierKeywords } from "../../store/assets.js";
import type { Repos } from "../../store/ports.js";
import type { CareRuntime } from "../care-runtime.js";
import { CARE_GRAPH_ID, CONVERSATION_GRAPH_ID } from "../runs/graphs.js";
import { submitRun } from "../runs/submit.js";
import { conversationThreadId } from "./identity.js";

/** One customer message as a channel's webhook read it. */
export interface ChannelMessage {
  channel: Extract<Channel, "whatsapp" | "telegram">;
  /** The channel's id of the message (Twilio's MessageSid, `tg:<update_id>`): a webhook retried is answered once. */
  key: string;
  customerId: string;
  /** Where replies go (`whatsapp:+52…`, a Telegram chat id), kept in channel_addresses only; none, none go. */
  address: string | undefined;
  text: string;
  requestId?: string;
}

/** The channels a customer record may prefer, the ones care reaches them on. */
type CustomerChannel = (typeof CUSTOMER_CHANNELS)[number];
const isCustomerChannel = (m: ChannelMessage): m is ChannelMessage & { channel: CustomerChannel } => (CUSTOMER_CHANNELS as readonly string[]).includes(m.channel);

/** What became of a message: seen before, kept for the person who owns the conversation, or queued for a graph. */
export type Delivery = "duplicate" | "person" | typeof CARE_GRAPH_ID | typeof CONVERSATION_GRAPH_ID;

/**
 * Where every channel's messages come in. In one transaction, from the dedupe check to the queued run (a
 * webhook retried meanwhile finds the message claimed; both are kept, or neither and the channel retries):
 * the customer's record, the message, where replies go, then the run. A message answering a recent care
 * outreach is a care contact, as every message was before the conversation graph; any other is a turn on
 * the customer's conversation thread. While a person owns the conversation, no run: the message waits for them.
 */
export class ChannelInbox {
  private readonly replyWindowMs: number;

  constructor(
    private readonly rt: CareRuntime,
    settings: ChannelSettings = loadChannelSettings(),
    private readonly keywords: ClassifierKeywords = loadClassifierKeywords(),
  ) {
    this.replyWindowMs = settings.outreach_reply_hours * 3_600_000;
  }

  accept(m: ChannelMessage): Promise<Delivery> {
    return this.rt.store.transaction(async (tx) => {
      if (await tx.inbound.get(m.key)) return "duplicate";
      // Read before this message is recorded: an answer is the customer's first message since the outreach.
      const graph = (await this.answersOutreach(tx, m.customerId)) ? CARE_GRAPH_ID : CONVERSATION_GRAPH_ID;
      // Care keeps a record of the customers it can reach (a contact preference of theirs); a channel it cannot
      // (Telegram) is the conversation graph's alone, which keeps its own profile of them.
      if (isCustomerChannel(m)) await tx.customers.upsertMany([this.customer(await tx.customers.get(m.customerId), m)]);
      // A care contact is a thread of its own; a conversation is one thread per customer and channel.
      const threadId = graph === CARE_GRAPH_ID ? randomUUID() : conversationThreadId(m.customerId, m.channel);
      await tx.inbound.claim(m.key, m.customerId, threadId, m.text);
      // Where the replies go, the bot's and a person's.
      if (m.address) await tx.outbox.setAddress(m.customerId, m.channel, m.address);
      if ((await tx.ownership.get(m.customerId)).owner === "human") {
        await tx.inbound.finish(m.key, "human", null);
        await tx.audit.record("customer", "inbound.to_human", m.customerId, { message_sid: m.key });
        return "person";
      }
      if (graph === CARE_GRAPH_ID) {
        await submitRun(tx, {
          thread_id: threadId,
          multitask_strategy: "enqueue",
          kwargs: { kind: "contact", customer_id: m.customerId, message: m.text || undefined, context: {}, request_id: m.requestId, channel: { message_sid: m.key } },
        });
      } else {
        await tx.threads.upsert(threadId, "patch", { graph_id: CONVERSATION_GRAPH_ID, assistant_id: CONVERSATION_GRAPH_ID, customer_id: m.customerId });
        await submitRun(tx, {
          thread_id: threadId,
          assistant_id: CONVERSATION_GRAPH_ID,
          multitask_strategy: "enqueue",
          kwargs: {
            kind: "chat",
            message: m.text || this.keywords.whatsapp_texts.empty_body,
            context: { customer_id: m.customerId, channel: m.channel },
            request_id: m.requestId,
            inbound: { message_sid: m.key },
          },
        });
      }
      return graph;
    });
  }

  /**
   * Whether the customer's message answers a care outreach: one was logged within the window and they have
   * not written since. The interaction log, not the outbox, is the record of an outreach: every care contact
   * is logged whoever delivered it (most are sent by the API's caller, never through our outbox), and the
   * outbox's bot replies do not say which graph wrote them.
   */
  private async answersOutreach(tx: Repos, customerId: string): Promise<boolean> {
    const outreach = await tx.interactions.lastOutreach(customerId);
    if (!outreach || Date.now() - outreach.getTime() > this.replyWindowMs) return false;
    const lastWrote = await tx.inbound.lastReceivedAt(customerId);
    return !lastWrote || lastWrote < outreach;
  }

  /** The customer's record, made on their first message; their segment and issue follow what they write. */
  private customer(known: Customer | undefined, m: ChannelMessage & { channel: CustomerChannel }): Customer {
    const k = this.keywords;
    const klass = classifyMessage(m.text, k);
    const first = m.text || k.whatsapp_texts.empty_body;
    const fresh = () => ({ ...k.whatsapp_defaults, issues_flag: 1, channel_pref: m.channel, customer_id: m.customerId });
    // A silent customer (one we reached out to) who writes is vocal from now on: this is their first message.
    return { ...(known ?? fresh()), first_message: known?.first_message || first, segment: segmentOf(true, klass.angry), is_vocal: true, issue_bucket: klass.issue } as Customer;
  }
}
