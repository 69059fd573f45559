import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { newToken } from "../../../app/people.js";
import { webChatThread } from "../../../app/web-chat.js";
import type { AppEnv } from "../../env.js";
import { cookieName, writeCookie, type CookieOptions } from "../../middleware/session.js";

/** The visitor's secret chat id (HttpOnly, SameSite=Lax; `__Host-` over HTTPS). */
export const CHAT_COOKIE = "cg_chat";
const ChatId = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/**
 * The CSRF token of a chat: a hash of its secret id, so a page of another site (which cannot read the HttpOnly
 * cookie) cannot compute it, and the token in the page gives the id away to no one.
 */
const csrfOf = (chatId: string) => createHash("sha256").update(`care-graph web chat csrf\0${chatId}`).digest("base64url");

/**
 * The customers' stand-in for the console's session: the chat cookie names the visitor's thread (`c.var.chat`)
 * and their CSRF token (`c.var.csrf`, which the console's csrf() check then requires on every post). A first
 * visit (a GET) gets a new chat, a random 256-bit id; a GET renews the cookie, so a conversation lasts `days`
 * after the last visit. A post without a chat gets a token no one holds: csrf() refuses it.
 */
export function chatSession(o: CookieOptions & { days: number }): MiddlewareHandler<AppEnv> {
  return async function chatSession(c, next) {
    const given = ChatId.safeParse(getCookie(c, cookieName(c, o, CHAT_COOKIE)));
    let chatId = given.success ? given.data : undefined;
    if (c.req.method === "GET") {
      chatId ??= newToken();
      writeCookie(c, o, CHAT_COOKIE, chatId, { sameSite: "Lax", maxAgeSeconds: o.days * 86_400 });
    }
    c.set("user", undefined);
    c.set("chat", chatId ? { threadId: webChatThread(chatId) } : undefined);
    c.set("csrf", chatId ? csrfOf(chatId) : newToken());
    await next();
  };
}

/** The visitor's thread, set by chatSession; a route behind it without one is a bug, not the visitor's doing. */
export function chatThread(c: Context<AppEnv>): string {
  const chat = c.get("chat");
  if (!chat) throw new Error("no chat: chatSession must run before the chat's routes");
  return chat.threadId;
}
