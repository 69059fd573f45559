import type { Context } from "hono";
import { agentNamed, NotAnAgentError } from "../../app/people.js";
import type { Store } from "../../store/ports.js";
import type { AppEnv } from "../env.js";
import { HttpError } from "./http.js";

/**
 * The agent an API request acts for, by the name it sends in `field`: a registered, enabled agent or admin
 * (agentNamed), else 422 `unknown_agent` naming the field. 422, not 400: the body is well-formed; the person
 * it names cannot act. Checked before anything is written or queued.
 */
export async function actingAgent(store: Pick<Store, "users">, name: string, field: string): Promise<string> {
  try {
    return (await agentNamed(store, name)).name;
  } catch (e) {
    if (!(e instanceof NotAnAgentError)) throw e;
    const message = `${field}: ${e.message}`;
    throw new HttpError(422, "unknown_agent", message, [{ path: field, message: e.message }]);
  }
}

/** Which API key acted for the person, for the audit log ("api" when the server runs without keys, local clients only). */
export const apiKeyOf = (c: Context<AppEnv>) => c.get("apiKey") ?? "api";
