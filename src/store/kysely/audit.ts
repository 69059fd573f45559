import type { AuditLog } from "../ports.js";
import { iso, type Ctx } from "./dialect.js";

export function auditLog({ db, d }: Ctx): AuditLog {
  return {
    async record(actor, action, subject, detail = {}) {
      await db.insertInto("audit_log").values({ actor, action, subject, detail: JSON.stringify(detail) }).execute();
    },

    async list(subject, limit = 100) {
      const q = db.selectFrom("audit_log").selectAll().limit(limit);
      const rows = await (subject ? q.where("subject", "=", subject).orderBy("id") : q.orderBy("id", "desc")).execute();
      return rows.map((r) => ({ ...r, at: iso(r.at), detail: d.json<Record<string, unknown>>(r.detail) }));
    },
  };
}
