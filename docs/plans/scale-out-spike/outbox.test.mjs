import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { backends } from "./backends.mjs";
describe.each(backends)("$name: outbox", (b) => {
  describe.skipIf(b.skip)("keyed enqueue", () => {
    let h;
    beforeAll(async () => {
      h = await b.open();
      await h.db.schema.createTable("outbound").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("key", "text", (c) => c.unique().notNull()).execute();
    });
    afterAll(async () => { await h.drop(); await h.db.destroy(); });
    it("a replayed key inserts nothing", async () => {
      const put = () => h.db.insertInto("outbound").values({ id: 1, key: "run1:reply" }).onConflict((oc) => oc.column("key").doNothing()).returning("id").executeTakeFirst();
      expect(await put()).toEqual({ id: 1 });
      expect(await put()).toBeUndefined();
    });
  });
});
