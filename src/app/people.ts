import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { hasRole, Password, type Role, type SessionUser, type User, UserName } from "../domain/user.js";
import type { Store } from "../store/ports.js";

/** How long a sign-in lasts: a working day and some, then the person signs in again. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/**
 * argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum for argon2id). Hashed off the
 * event loop (the library's thread pool), so a burst of sign-ins does not stall the server.
 */
export const hashPassword = (password: string) => hash(Password.parse(password));

export class UserExistsError extends Error {
  override readonly name = "UserExistsError";
}

export async function addUser(store: Store, o: { name: string; role: Role; password: string }): Promise<User> {
  const name = UserName.parse(o.name);
  const user = await store.users.add({ name, role: o.role, password_hash: await hashPassword(o.password) });
  if (!user) throw new UserExistsError(`a user named ${name} exists already`);
  await store.audit.record("cli", "user.added", `user:${name}`, { role: o.role });
  return user;
}

/**
 * The verification an unknown name gets, so that "no such user" takes as long as "wrong password" and the
 * timing does not tell which names exist.
 */
let decoy: Promise<string> | undefined;

/** The user when name and password match an enabled account; undefined otherwise (never says which part was wrong). */
export async function checkPassword(store: Store, name: string, password: string): Promise<SessionUser | undefined> {
  const found = UserName.safeParse(name).success ? await store.users.withPassword(name.trim()) : undefined;
  if (!found) {
    decoy ??= hash(randomBytes(16).toString("hex"));
    await verify(await decoy, password).catch(() => false);
    return undefined;
  }
  const ok = await verify(found.password_hash, password).catch(() => false);
  if (!ok || found.user.disabled) return undefined;
  return { id: found.user.id, name: found.user.name, role: found.user.role };
}

/** The cookie holds the token; the database only its hash. */
const tokenHash = (token: string) => createHash("sha256").update(token).digest("base64url");
export const newToken = () => randomBytes(32).toString("base64url");

export async function openSession(store: Store, user: SessionUser, now = new Date()): Promise<{ token: string; csrf: string; expires: Date }> {
  const token = newToken();
  const csrf = newToken();
  const expires = new Date(now.getTime() + SESSION_TTL_MS);
  await store.sessions.create({ token_hash: tokenHash(token), user_id: user.id, csrf, expires_at: expires });
  await store.audit.record(user.name, "session.opened", `user:${user.name}`);
  return { token, csrf, expires };
}

export const findSession = (store: Store, token: string, now = new Date()) => store.sessions.get(tokenHash(token), now);

export async function closeSession(store: Store, token: string): Promise<void> {
  await store.sessions.delete(tokenHash(token));
}

/** Why a name cannot act as an agent: no such user, a disabled one, or one whose role works no hand-offs. */
export class NotAnAgentError extends Error {
  override readonly name = "NotAnAgentError";
  constructor(
    readonly why: "unknown" | "disabled" | "not_agent",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The person a request acts for as an agent: a registered, enabled user who may work hand-offs (agent or admin).
 * Machines authenticate with an API key; the name they send says which person they act for, so it must be one.
 * Checked before anything is written or queued, on every door that takes an agent's name.
 */
export async function agentNamed(store: Pick<Store, "users">, name: string): Promise<User> {
  const user = UserName.safeParse(name).success ? await store.users.byName(name.trim()) : undefined;
  if (!user) throw new NotAnAgentError("unknown", `no agent named ${JSON.stringify(name)}`);
  if (user.disabled) throw new NotAnAgentError("disabled", `${JSON.stringify(user.name)} is disabled`);
  if (!hasRole(user, ["agent"])) throw new NotAnAgentError("not_agent", `${JSON.stringify(user.name)} is an ${user.role}, not an agent`);
  return user;
}
