import { describe, expect, it } from "vitest";
import { LoginThrottle } from "../../src/server/helper/login-throttle.js";

describe("LoginThrottle", () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  };

  it("stops a name after its limit, from any address, until the window since its first failure has passed", () => {
    const c = clock();
    const th = new LoginThrottle({ perName: 3, perAddress: 100 }, 60_000, c.now);
    for (let i = 0; i < 3; i++) th.failed("ana", `10.0.0.${i}`);
    expect(th.retryAfter("ana", "10.0.0.9")).toBe(60);
    expect(th.retryAfter("beto", "10.0.0.9")).toBe(0);
    c.advance(59_000);
    expect(th.retryAfter("ana", "10.0.0.9")).toBe(1);
    c.advance(1_000);
    expect(th.retryAfter("ana", "10.0.0.9")).toBe(0);
  });

  it("stops an address that tries many names, and a success clears only the name", () => {
    const th = new LoginThrottle({ perName: 3, perAddress: 4 }, 60_000, () => 0);
    for (const name of ["a1", "a2", "a3", "a4"]) th.failed(name, "10.0.0.1");
    expect(th.retryAfter("a5", "10.0.0.1")).toBe(60);
    expect(th.retryAfter("a5", "10.0.0.2")).toBe(0);
    th.failed("ana", "10.0.0.2");
    th.failed("ana", "10.0.0.2");
    th.succeeded("ana");
    th.failed("ana", "10.0.0.2");
    th.failed("ana", "10.0.0.2");
    expect(th.retryAfter("ana", "10.0.0.3")).toBe(0);
  });

  it("counts an attempt when it begins, and a success takes the address's count back", () => {
    const th = new LoginThrottle({ perName: 2, perAddress: 3 }, 60_000, () => 0);
    expect(th.begin("ana", "10.0.0.1")).toBe(0);
    expect(th.begin("ana", "10.0.0.1")).toBe(0);
    expect(th.begin("ana", "10.0.0.1")).toBe(60);
    th.succeeded("ana", "10.0.0.1");
    for (const name of ["b1", "b2"]) expect(th.begin(name, "10.0.0.1")).toBe(0);
    expect(th.begin("b3", "10.0.0.1")).toBe(60);
  });
});
