import { z } from "zod";

/**
 * The people who sign in to the console. An agent works hand-offs, leads and tickets; an operator runs the
 * policy's experiments and reads its metrics; an admin may do both (and add people).
 */
export const ROLES = ["agent", "operator", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** A sign-in name, also the agent's name on every hand-off they claim or answer (AgentName's alphabet). */
export const UserName = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");

/** Long enough that guessing is out of reach at the login's rate limit; no composition rules (NIST SP 800-63B). */
export const Password = z.string().min(10, "at least 10 characters").max(256);

export const User = z.object({
  id: z.number().int(),
  name: UserName,
  role: Role,
  disabled: z.boolean(),
  created_at: z.string(),
});
export type User = z.infer<typeof User>;

/** What a request knows of who is signed in. */
export type SessionUser = Pick<User, "id" | "name" | "role">;

/** admin passes every role check. */
export const hasRole = (user: Pick<User, "role">, roles: readonly Role[]) => user.role === "admin" || roles.includes(user.role);
