import type { Weekday } from '../config/business-hours.js';

/** When people work, in their own time zone (the config's `incidents.businessHours`, without its severities). */
export interface Hours {
  timeZone: string;
  days: readonly Weekday[];
  /** `HH:MM`, local. */
  start: string;
  end: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The local date, weekday and minute of the day of `at` in `timeZone`. */
function local(at: Date, timeZone: string): { year: number; month: number; day: number; weekday: Weekday; minute: number } {
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: parts.weekday!.toUpperCase().slice(0, 3) as Weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` falls within the hours: on one of the days, from `start` up to (not including) `end`. */
export function withinHours(hours: Hours, at: Date): boolean {
  const { weekday, minute } = local(at, hours.timeZone);
  return hours.days.includes(weekday) && minute >= minuteOf(hours.start) && minute < minuteOf(hours.end);
}

/**
 * The first moment at or after `at` within the hours (`at` itself when it is within them): the start of the
 * first working day from today, found day by day, a few lookups each (a finding outside hours asks it).
 */
export function nextOpening(hours: Hours, at: Date): Date {
  if (withinHours(hours, at)) return at;
  const today = local(at, hours.timeZone);
  for (let d = 0; d <= 7; d++) {
    // Calendar arithmetic on the local date: a day of 23 or 25 hours moves no date.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + d));
    const weekday = date.toUTCString().slice(0, 3).toUpperCase() as Weekday;
    if (!hours.days.includes(weekday)) continue;
    const opening = instantAt(hours.timeZone, date, minuteOf(hours.start));
    if (opening.getTime() >= at.getTime()) return opening;
  }
  // Hours always name a day, so a week always holds an opening; this is only the guard.
  throw new Error(`no working minute within a week: ${JSON.stringify(hours)}`);
}

/** The instant whose local time in `timeZone` is `minute` into the UTC-calendar `date`: the zone's offset that day, read back. */
function instantAt(timeZone: string, date: Date, minute: number): Date {
  const wanted = date.getTime() + minute * 60_000;
  let guess = wanted;
  // Twice: the offset at the first guess may differ from the offset at the answer across a clock change.
  for (let i = 0; i < 2; i++) {
    const seen = local(new Date(guess), timeZone);
    guess += wanted - (Date.UTC(seen.year, seen.month - 1, seen.day) + seen.minute * 60_000);
  }
  return new Date(guess);
}

/** `Mon 09:00 Europe/Berlin`: a moment as the people in those hours read it. */
export function localLabel(hours: Hours, at: Date): string {
  const { weekday, minute } = local(at, hours.timeZone);
  const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return `${weekday[0]}${weekday.slice(1).toLowerCase()} ${hhmm} ${hours.timeZone}`;
}
