import { z } from "zod";

/**
 * One of the company's hubs (data/hubs.json), the one list of them: test drives are booked there and the
 * knowledge base's hubs passage names them. `aliases`: how customers write it, accent-free and lower case.
 */
export const Hub = z.object({
  name: z.string().min(1),
  /** How people name it as often as by its name ("CDMX"): written after it where the hubs are listed. */
  abbreviation: z.string().min(1).optional(),
  aliases: z.array(z.string().min(1)),
});
export type Hub = z.infer<typeof Hub>;
