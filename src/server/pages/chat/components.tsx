import type { Child } from "hono/jsx";
import type { ChatEntry, PersonState, WebChatView } from "../../../app/web-chat.js";
import type { CarRef } from "../../../domain/conversation.js";
import { interpolate } from "../../../domain/fill.js";
import type { TranscriptLine } from "../../../domain/transcript.js";
import type { WebChatTexts } from "../../../domain/web-chat.js";
import { formatKm, formatPesos } from "../../../tools/index.js";

/**
 * The web chat's pieces, the same markup whether the page renders them or a stream sends them (chat.js inserts
 * a streamed piece as is, and skips one whose `data-key` the page holds already).
 */

type Author = TranscriptLine["author"];

/** One line of the conversation: the customer's, the bot's, or a person's (by the name they sign in with). */
export function Bubble({ t, author, text, dataKey }: { t: WebChatTexts; author: Author; text: string; dataKey: string }) {
  const who = author === "customer" ? "customer" : author === "bot" ? "bot" : "person";
  const name = author === "customer" ? t.you : author === "bot" ? t.bot : author.slice("person:".length);
  return (
    <li class={`msg msg-${who}`} data-key={dataKey}>
      <span class="msg-who">{name}</span>
      <p class="msg-text">{text}</p>
    </li>
  );
}

/** The cars a turn's catalog search returned, as the tool gave them. */
export function CarCards({ t, cars, dataKey }: { t: WebChatTexts; cars: readonly CarRef[]; dataKey: string }) {
  return (
    <li class="cars" data-key={dataKey}>
      <ul class="car-cards" aria-label={t.cars_label} tabindex={0}>
        {cars.map((car) => (
          <li class="car-card">
            <h3 class="car-name">
              {car.make} {car.model}
            </h3>
            <p class="car-version">{car.version}</p>
            <dl class="car-facts">
              <div>
                <dt>{t.year}</dt>
                <dd>{car.year}</dd>
              </div>
              <div>
                <dt>{t.price}</dt>
                <dd class="car-price">{formatPesos(Math.round(car.price * 100))}</dd>
              </div>
              <div>
                <dt>{t.km}</dt>
                <dd>{formatKm(car.km)}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </li>
  );
}

/** A person joined the conversation. */
export function Joined({ t, agent, dataKey }: { t: WebChatTexts; agent: string; dataKey: string }) {
  return (
    <li class="notice notice-joined" data-key={dataKey}>
      {interpolate(t.joined, { agent })}
    </li>
  );
}

export function Entry({ t, entry }: { t: WebChatTexts; entry: ChatEntry }) {
  switch (entry.kind) {
    case "line":
      return <Bubble t={t} author={entry.line.author} text={entry.line.text} dataKey={entry.line.key} />;
    case "cars":
      return <CarCards t={t} cars={entry.cars} dataKey={entry.key} />;
    case "joined":
      return <Joined t={t} agent={entry.agent} dataKey={entry.key} />;
  }
}

/**
 * Below the conversation while a person was asked for and none has taken it yet (once one has, the log says so).
 * Replaced as a whole when that changes.
 */
export function PersonStatus({ t, person }: { t: WebChatTexts; person: PersonState }) {
  const text = person.state === "waiting" ? t.waiting : "";
  return (
    <p id="chat-person" class={`chat-person chat-person-${person.state}`} role="status">
      {text}
    </p>
  );
}

export interface ChatPageProps {
  t: WebChatTexts;
  view: WebChatView;
  csrf: string;
  maxChars: number;
  /** The page's own notice (a refused message, without JS). */
  error?: string;
  /** The message the customer wrote, kept when it was refused. */
  draft?: string;
  /** Where the live updates come from, when mounted. */
  events?: string;
}

/** The whole page: the customer's own shell (no console nav), one stylesheet, one small script. */
export function ChatPage(p: ChatPageProps): Child {
  const { t } = p;
  return (
    <html lang="es-MX">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{t.title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/chat.css" />
        <script src="/assets/chat.js" defer></script>
      </head>
      <body>
        <main class="chat" data-events={p.events}>
          <header class="chat-head">
            <h1>{t.title}</h1>
            <p>{t.intro}</p>
          </header>
          {/* Scrollable regions take the keyboard's focus (tabindex), so they can be scrolled without a mouse. */}
          <ol id="chat-log" class="chat-log" aria-live="polite" aria-label={t.log_label} tabindex={0} data-last={p.view.last}>
            {p.view.entries.length === 0 ? (
              <li class="notice notice-hint" data-key="hint">
                {t.hint}
              </li>
            ) : (
              p.view.entries.map((entry) => <Entry t={t} entry={entry} />)
            )}
          </ol>
          <PersonStatus t={t} person={p.view.person} />
          <p id="chat-error" class="chat-error" role="alert">
            {p.error ?? ""}
          </p>
          <form id="chat-form" class="chat-form" method="post" action="/chat/messages" data-failed={t.failed} data-rate-limited={t.rate_limited} data-expired={t.expired}>
            <input type="hidden" name="_csrf" value={p.csrf} />
            <label for="chat-message" class="visually-hidden">
              {t.message_label}
            </label>
            <textarea id="chat-message" name="message" rows={2} maxlength={p.maxChars} required placeholder={t.placeholder}>
              {p.draft ?? ""}
            </textarea>
            <button type="submit">{t.send}</button>
          </form>
        </main>
      </body>
    </html>
  );
}
