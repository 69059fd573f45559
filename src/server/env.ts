/** What middleware leaves on the request context for the handlers. */
export type AppEnv = {
  Variables: {
    /** Which configured key authenticated the request ("key-1", …), or undefined without keys. */
    apiKey: string | undefined;
    requestId: string;
  };
};
