import { normalize } from "../../domain/text-rules.js";

/** Mexico City's offset: no daylight saving time since 2022. */
const OFFSET_HOURS = -6;
const OFFSET = "-06:00";
const WEEKDAYS = ["domingo", "lunes", "martes", "miercoles", "jueves", "viernes", "sabado"];

export interface When {
  /** YYYY-MM-DD in Mexico City, when the text names a day. */
  day?: string;
  /** HH:MM, when the text names a time. */
  time?: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The day and time a customer asks for, in Mexico City: "hoy", "mañana", "pasado mañana", a weekday (the next
 * one after today), "a las 11", "11:30", "4 pm", "a las 5 de la tarde". What it does not read stays
 * undefined, and the caller asks for it.
 */
export function readWhen(text: string, now: Date): When {
  const t = ` ${normalize(text).replace(/[¿?¡!,;.](?!\d)/g, " ")} `;
  const local = new Date(now.getTime() + OFFSET_HOURS * 3_600_000);
  const dayAfter = (n: number) => {
    const d = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + n));
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  };
  const out: When = {};
  if (/ pasado manana /.test(t)) out.day = dayAfter(2);
  // "en la mañana" is a time of day, not tomorrow.
  else if (/ manana /.test(t.replace(/ (?:en|por) la manana /g, " "))) out.day = dayAfter(1);
  else if (/ hoy /.test(t)) out.day = dayAfter(0);
  else {
    const w = WEEKDAYS.findIndex((d) => t.includes(` ${d} `));
    if (w >= 0) out.day = dayAfter(((w - local.getUTCDay() + 6) % 7) + 1);
  }
  const m = /(?: a las | las | tipo )(\d{1,2})(?::(\d{2}))?|\s(\d{1,2})(?::(\d{2}))?\s*(am|pm|hrs|horas)\b|\s(\d{1,2}):(\d{2})\b/.exec(t);
  if (m) {
    let hour = Number(m[1] ?? m[3] ?? m[6]);
    const minute = Number(m[2] ?? m[4] ?? m[7] ?? 0);
    const afternoon = m[5] === "pm" || / de la (?:tarde|noche) /.test(t);
    if (afternoon && hour < 12) hour += 12;
    if (hour <= 23 && minute <= 59) out.time = `${pad(hour)}:${pad(minute)}`;
  }
  return out;
}

/** The ISO 8601 date-time with its offset the desk books: "2026-12-12T11:00:00-06:00". */
export function isoWhen(day: string, time: string): string {
  return `${day}T${time}:00${OFFSET}`;
}

const DAY = new Intl.DateTimeFormat("es-MX", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });

/** "sábado, 12 de diciembre". */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return DAY.format(Date.UTC(y!, m! - 1, d!));
}
