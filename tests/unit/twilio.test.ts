import { describe, expect, it } from "vitest";
import { twiml, twilioSignature, validTwilioSignature } from "../../src/server/helper/twilio.js";

describe("Twilio", () => {
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const params = { CallSid: "CA1234567890ABCDE", Caller: "+12349013030", Digits: "1234", From: "+12349013030", To: "+18005551212" };

  it("computes Twilio's published signature vector", () => {
    expect(twilioSignature("12345", url, params)).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  });

  it("accepts the right signature and rejects any change", () => {
    expect(validTwilioSignature("12345", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")).toBe(true);
    expect(validTwilioSignature("12346", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")).toBe(false);
    expect(validTwilioSignature("12345", url, { ...params, Digits: "1235" }, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")).toBe(false);
    expect(validTwilioSignature("12345", url.replace("foo=1", "foo=2"), params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")).toBe(false);
    expect(validTwilioSignature("12345", url, params, undefined)).toBe(false);
  });

  it("writes TwiML, escaped, or an empty response", () => {
    expect(twiml("Hola <b> & 'adiós'")).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hola &lt;b&gt; &amp; &apos;adiós&apos;</Message></Response>`);
    expect(twiml(null)).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response/>`);
  });
});
