export interface InboundMessage {
  message_sid: string;
  customer_id: string;
  thread_id: string | null;
  status: "received" | "answered" | "human" | "failed";
  reply: string | null;
}

