import type { SessionUser } from "../domain/user.js";

/** What middleware leaves on the request context for the handlers. */
export type AppEnv = {
  Variables: {
    /** Which configured key authenticated the request ("key-1", …), or undefined without keys. */
    apiKey: string | undefined;
    requestId: string;
    /** Who is signed in to the console (session middleware); undefined for API and anonymous requests. */
    user: SessionUser | undefined;
    /**
     * Whether the request's session is still open (session middleware, when signed in): a stream that outlasts
     * the request asks again as it goes, so signing out or a disabled account ends it.
     */
    stillSignedIn: (() => Promise<boolean>) | undefined;
    /** The CSRF token forms and htmx requests must send back (session middleware). */
    csrf: string;
    /** The customer's web chat (/chat only, chatSession): the thread their cookie names; undefined without one. */
    chat: { threadId: string } | undefined;
  };
};
