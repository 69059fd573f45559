import type { Db } from "./db.js";

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

/** Append-only record of what people and the bot did to a conversation. */
export class AuditLog {
  constructor(private readonly db: Db) {}

  record(actor: string, action: string, subject: string, detail: Record<string, unknown> = {}): void {
    this.db.prepare("INSERT INTO audit_log (actor, action, subject, detail) VALUES (?, ?, ?, ?)").run(actor, action, subject, JSON.stringify(detail));
  }

  list(subject?: string, limit = 100): AuditEntry[] {
    const rows = (
      subject
        ? this.db.prepare("SELECT * FROM audit_log WHERE subject = ? ORDER BY id LIMIT ?").all(subject, limit)
        : this.db.prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?").all(limit)
    ) as Array<Omit<AuditEntry, "detail"> & { detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
  }
}
