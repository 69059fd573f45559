import type { MiddlewareHandler } from "hono";

/**
 * A response sent before the request's body was read (a 413 from the body limit, a 401 or 429 ahead of
 * the handler, a route that ignores its body) leaves the rest of that body on the socket. The Node
 * adapter then drains it for at most 500 ms and otherwise destroys the socket it had just announced as
 * kept alive, so the client's next request on it fails. Such a response says `Connection: close` instead.
 * An error answer closes even when the body was read in part (the body limit stops reading midway).
 */
export function closeOnUnreadBody(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const length = c.req.header("content-length");
    const hasBody = length !== undefined ? Number(length) > 0 : c.req.header("transfer-encoding") !== undefined;
    if (hasBody && (!c.req.raw.bodyUsed || c.res.status >= 400)) c.header("Connection", "close");
  };
}
