import { z } from "zod";

/** Where a conversation reaches us (the conversation graph's context; a ticket or lead keeps where it came from). */
export const CHANNELS = ["api", "web", "whatsapp", "telegram"] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** How channel messages are routed and recorded (data/channels.json; why each value, there). */
export const ChannelSettings = z.object({
  /** A customer's first message this long after a care outreach answers it (the care graph); later, or any other, is a conversation. */
  outreach_reply_hours: z.number().positive(),
});
export type ChannelSettings = z.infer<typeof ChannelSettings>;
