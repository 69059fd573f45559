import { z } from "zod";
import { Channel } from "./channel.js";

export const LEAD_KINDS = ["test_drive", "sell_car", "trade_in", "reserve"] as const;
export const LeadKind = z.enum(LEAD_KINDS);
export type LeadKind = z.infer<typeof LeadKind>;

export const LEAD_STATUSES = ["new", "contacted", "closed"] as const;
export const LeadStatus = z.enum(LEAD_STATUSES);
export type LeadStatus = z.infer<typeof LeadStatus>;

/**
 * The statuses a lead may move to `to` from: it only moves forward (a call made is not undone), so of two
 * agents moving it at once, the later sees where the first left it instead of undoing it.
 */
export const leadStatusesBefore = (to: LeadStatus): LeadStatus[] => LEAD_STATUSES.slice(0, LEAD_STATUSES.indexOf(to));

/** A catalog car (its stock id). */
const CarId = z.string().regex(/^\d+$/, "a catalog stock_id is digits only");

/** When and where: an ISO date-time with its offset (the desk checks it is in the future and the hub is ours). */
export const TestDriveDetails = z.object({
  date: z.iso.datetime({ offset: true }),
  hub: z.string().min(1).max(100),
});
export type TestDriveDetails = z.infer<typeof TestDriveDetails>;

/** The customer's own car, for an offer (sell_car) or as part of a payment (trade_in). */
export const CustomerCar = z.object({
  make: z.string().trim().min(1).max(50),
  model: z.string().trim().min(1).max(50),
  year: z.number().int().min(1980).max(2100),
  km: z.number().int().nonnegative().max(2_000_000),
});
export type CustomerCar = z.infer<typeof CustomerCar>;

const Common = {
  customer_id: z.string().min(1).max(200),
  thread_id: z.string().min(1).max(200).nullable(),
  channel: Channel,
};

/** What creating a lead takes: each kind with the details its team needs. */
export const LeadNew = z.discriminatedUnion("kind", [
  z.object({ ...Common, kind: z.literal("test_drive"), car_id: CarId, details: TestDriveDetails }),
  z.object({ ...Common, kind: z.literal("sell_car"), car_id: z.null(), details: CustomerCar }),
  // The catalog car, when the customer already chose the one to take in exchange.
  z.object({ ...Common, kind: z.literal("trade_in"), car_id: CarId.nullable(), details: CustomerCar }),
  z.object({ ...Common, kind: z.literal("reserve"), car_id: CarId, details: z.object({}) }),
]);
export type LeadNew = z.infer<typeof LeadNew>;

export const Lead = z.intersection(LeadNew, z.object({ id: z.number().int().positive(), status: LeadStatus, created_at: z.string(), updated_at: z.string() }));
export type Lead = z.infer<typeof Lead>;
