import { z } from "zod";

/** Where a conversation reaches us (the conversation graph's context; a ticket or lead keeps where it came from). */
export const CHANNELS = ["api", "web", "whatsapp", "telegram"] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;
