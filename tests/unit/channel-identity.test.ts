import { describe, expect, it } from "vitest";
import { channelCustomerId, conversationThreadId, uuidV5 } from "../../src/app/channels/identity.js";

describe("channel identities", () => {
  it("computes RFC 9562's UUID v5 (the RFC's DNS example)", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("gives a customer one conversation thread per channel, the same for every message", () => {
    const t = conversationThreadId("tg-1", "telegram");
    expect(t).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(conversationThreadId("tg-1", "telegram")).toBe(t);
    expect(conversationThreadId("tg-1", "whatsapp")).not.toBe(t);
    expect(conversationThreadId("tg-2", "telegram")).not.toBe(t);
  });

  it("keys the customer id: the channel's id is not in it, and another secret gives another id", () => {
    const id = channelCustomerId("tg", "123456789", "secret-a");
    expect(id).toMatch(/^tg-[0-9a-f]{20}$/);
    expect(id).not.toContain("123456789");
    expect(channelCustomerId("tg", "123456789", "secret-b")).not.toBe(id);
  });
});
