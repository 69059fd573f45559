import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { webChatThread } from "../../../app/web-chat.js";

/** Path-scoped: the console never receives it, and it never reaches /v1. */
export const CHAT_COOKIE = "cg_chat";
const ChatId = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Who is chatting: the cookie's secret id, the thread it names, and the CSRF token tied to it. */
export interface ChatIdentity {
  chatId: string;
  threadId: string;
  csrf: string;
}

/**
 * The CSRF token of a chat: a hash of its secret id, so a page of another site (which cannot read the HttpOnly
 * cookie) cannot compute it, and the token shown in the page gives the id away to no one.
 */
const csrfOf = (chatId: string) => createHash("sha256").update(`care-graph web chat csrf\0${chatId}`).digest("base64url");

const identity = (chatId: string): ChatIdentity => ({ chatId, threadId: webChatThread(chatId), csrf: csrfOf(chatId) });

/** The visitor's chat from their cookie, if it holds a well-formed id. */
export function chatOf(c: Context): ChatIdentity | undefined {
  const id = ChatId.safeParse(getCookie(c, CHAT_COOKIE));
  return id.success ? identity(id.data) : undefined;
}

/**
 * The visitor's chat, or a new one (a random 256-bit id) for a first visit; the cookie is set (again) either way,
 * so a conversation lasts `days` after the last visit.
 */
export function chatOrNew(c: Context, o: { days: number; secure: boolean }): ChatIdentity {
  const chat = chatOf(c) ?? identity(randomBytes(32).toString("base64url"));
  setCookie(c, CHAT_COOKIE, chat.chatId, { path: "/chat", httpOnly: true, sameSite: "Lax", secure: o.secure, maxAge: o.days * 86_400 });
  return chat;
}

/** The post carries its chat's CSRF token, as a form field or a header. */
export function csrfValid(chat: ChatIdentity, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(chat.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
