import type { Selectable } from "kysely";
import { User } from "../../domain/user.js";
import type { SessionStore, UserStore } from "../ports.js";
import { iso, type Ctx } from "./dialect.js";
import type { UsersTable } from "./schema.js";

/** The console's people. Names are unique: adding a taken one answers undefined and changes nothing. */
export function userStore({ db, d }: Ctx): UserStore {
  return {
    async add({ name, role, password_hash }) {
      const row = await db
        .insertInto("users")
        .values({ name, role, password_hash })
        .onConflict((oc) => oc.column("name").doNothing())
        .returningAll()
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async withPassword(name) {
      const row = await db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
      return row && { user: fromRow(row), password_hash: row.password_hash };
    },
    async byName(name) {
      const row = await db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
      return row && fromRow(row);
    },
    async get(id) {
      const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return row && fromRow(row);
    },
    async list() {
      return (await db.selectFrom("users").selectAll().orderBy("name").execute()).map(fromRow);
    },
    async setPassword(name, password_hash) {
      const r = await db.updateTable("users").set({ password_hash }).where("name", "=", name).executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      // A new password ends every session the old one opened.
      await db.deleteFrom("sessions").where("user_id", "in", db.selectFrom("users").select("id").where("name", "=", name)).execute();
      return true;
    },
    async setDisabled(name, disabled) {
      const r = await db.updateTable("users").set({ disabled: d.flag(disabled) }).where("name", "=", name).executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}

/** Sessions live in the database, so every `serve` process behind a balancer knows them. */
export function sessionStore({ db }: Ctx): SessionStore {
  return {
    async create({ token_hash, user_id, csrf, expires_at }) {
      await db.insertInto("sessions").values({ token_hash, user_id, csrf, expires_at: expires_at.toISOString() }).execute();
    },
    async get(token_hash, now) {
      const row = await db
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .select(["users.id", "users.name", "users.role", "users.disabled", "sessions.csrf", "sessions.expires_at"])
        .where("sessions.token_hash", "=", token_hash)
        .executeTakeFirst();
      if (!row || Boolean(row.disabled) || new Date(iso(row.expires_at)) <= now) return undefined;
      return { user: { id: row.id, name: row.name, role: User.shape.role.parse(row.role) }, csrf: row.csrf, expires_at: iso(row.expires_at) };
    },
    async delete(token_hash) {
      await db.deleteFrom("sessions").where("token_hash", "=", token_hash).execute();
    },
    async deleteExpired(now) {
      const r = await db.deleteFrom("sessions").where("expires_at", "<=", now.toISOString()).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

const fromRow = ({ password_hash: _hash, disabled, created_at, ...r }: Selectable<UsersTable>): User =>
  User.parse({ ...r, disabled: Boolean(disabled), created_at: iso(created_at) });
