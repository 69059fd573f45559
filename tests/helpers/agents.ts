import type { Role } from "../../src/domain/user.js";
import type { Store } from "../../src/store/ports.js";

/**
 * A fixed argon2id hash (of "agente-de-prueba"), so that registering an agent costs one insert, not the ~10 ms
 * of hashing addUser spends. For tests that act through the API as an agent, never to sign in with.
 */
const FIXED_HASH = "$argon2id$v=19$m=19456,t=2,p=1$ZE31rZ/wfIcCY361rl0lXw$aMxOLRCiGxI9Jlk+KeFSqaC5I5e5f9oMuBLQSW9FGNU";

/** The agents the API tests act for: ana, and luis when a second agent is needed. */
export const TEST_AGENTS = ["ana", "luis"] as const;

/** Registers each name as a user with `role` (agent unless told); a name already there is left as it is. */
export async function addAgents(store: Pick<Store, "users">, names: readonly string[] = TEST_AGENTS, role: Role = "agent"): Promise<void> {
  for (const name of names) await store.users.add({ name, role, password_hash: FIXED_HASH });
}
