import { expect, it } from "vitest";
import { contract } from "./backends.js";

const HOUR = 3_600_000;

contract("UserStore", (store) => {
  it("adds a user once: a taken name changes nothing; the hash is read only by withPassword", async () => {
    const u = store().users;
    const ana = await u.add({ name: "ana", role: "agent", password_hash: "h1" });
    expect(ana).toMatchObject({ name: "ana", role: "agent", disabled: false });
    expect(ana).not.toHaveProperty("password_hash");
    expect(await u.add({ name: "ana", role: "admin", password_hash: "h2" })).toBeUndefined();
    expect(await u.withPassword("ana")).toEqual({ user: ana, password_hash: "h1" });
    expect(await u.get(ana!.id)).toEqual(ana);
    expect(await u.byName("ana")).toEqual(ana);
    expect(await u.withPassword("nadie")).toBeUndefined();
    expect(await u.byName("nadie")).toBeUndefined();
  });

  it("refuses a role outside the three", async () => {
    await expect(store().users.add({ name: "raro", role: "root" as never, password_hash: "h" })).rejects.toThrow();
    expect(await store().users.withPassword("raro")).toBeUndefined();
  });
});

contract("SessionStore", (store) => {
  it("finds a live session with its user and CSRF token; not after it expires or is deleted", async () => {
    const user = (await store().users.add({ name: "beto", role: "operator", password_hash: "h" }))!;
    const now = new Date();
    await store().sessions.create({ token_hash: "t-beto", user_id: user.id, csrf: "c1", expires_at: new Date(now.getTime() + HOUR) });
    expect(await store().sessions.get("t-beto", now)).toMatchObject({ user: { id: user.id, name: "beto", role: "operator" }, csrf: "c1" });
    expect(await store().sessions.get("t-beto", new Date(now.getTime() + 2 * HOUR))).toBeUndefined();
    expect(await store().sessions.get("t-otro", now)).toBeUndefined();
    await store().sessions.delete("t-beto");
    expect(await store().sessions.get("t-beto", now)).toBeUndefined();
  });

  it("a disabled user's sessions stop at once; a new password ends them", async () => {
    const user = (await store().users.add({ name: "caro", role: "agent", password_hash: "h" }))!;
    const now = new Date();
    const later = new Date(now.getTime() + HOUR);
    await store().sessions.create({ token_hash: "t-caro-1", user_id: user.id, csrf: "c", expires_at: later });
    expect(await store().users.setDisabled("caro", true)).toBe(true);
    expect(await store().sessions.get("t-caro-1", now)).toBeUndefined();
    await store().users.setDisabled("caro", false);
    expect(await store().sessions.get("t-caro-1", now)).toBeDefined();
    expect(await store().users.setPassword("caro", "h2")).toBe(true);
    expect(await store().sessions.get("t-caro-1", now)).toBeUndefined();
    expect(await store().users.setPassword("nadie", "h")).toBe(false);
  });

  it("deletes expired sessions only", async () => {
    const user = (await store().users.add({ name: "dani", role: "agent", password_hash: "h" }))!;
    const now = new Date();
    await store().sessions.create({ token_hash: "t-old", user_id: user.id, csrf: "c", expires_at: new Date(now.getTime() - 1000) });
    await store().sessions.create({ token_hash: "t-new", user_id: user.id, csrf: "c", expires_at: new Date(now.getTime() + HOUR) });
    expect(await store().sessions.deleteExpired(now)).toBeGreaterThanOrEqual(1);
    expect(await store().sessions.get("t-new", now)).toBeDefined();
  });
});
