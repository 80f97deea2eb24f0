import type { Weekday } from '../config/business-hours.js';

/** When people work, in their own time zone (the config's `incidents.businessHours`, without its severities). */
export interface Hours {
  timeZone: string;
  days: readonly Weekday[];
  /** `HH:MM`, local. */
  start: string;
  end: string;
}

const MINUTE_MS = 60_000;
/** Far enough to reach the next working minute from any moment of any week. */
const SEARCH_MINUTES = 8 * 24 * 60;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  return f;
}

/** The local weekday and minute of the day of `at` in `timeZone`. */
function local(at: Date, timeZone: string): { day: Weekday; minute: number } {
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { day: parts.weekday!.toUpperCase().slice(0, 3) as Weekday, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` falls within the hours: on one of the days, from `start` up to (not including) `end`. */
export function withinHours(hours: Hours, at: Date): boolean {
  const { day, minute } = local(at, hours.timeZone);
  return hours.days.includes(day) && minute >= minuteOf(hours.start) && minute < minuteOf(hours.end);
}

/** The first minute at or after `at` within the hours (`at` itself when it is within them). */
export function nextOpening(hours: Hours, at: Date): Date {
  const start = new Date(Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS);
  if (withinHours(hours, at)) return at;
  for (let m = 0; m < SEARCH_MINUTES; m++) {
    const candidate = new Date(start.getTime() + m * MINUTE_MS);
    if (withinHours(hours, candidate)) return candidate;
  }
  // Hours with no working minute are refused at load; this is only the guard.
  throw new Error(`no working minute within a week: ${JSON.stringify(hours)}`);
}

/** `Mon 09:00 Europe/Berlin`: a moment as the people in those hours read it. */
export function localLabel(hours: Hours, at: Date): string {
  const { day, minute } = local(at, hours.timeZone);
  const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return `${day[0]}${day.slice(1).toLowerCase()} ${hhmm} ${hours.timeZone}`;
}
