import * as z from '../zod.js';

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected "HH:MM" in UTC, e.g. "03:00"'));

/**
 * While a silence matches, findings are still recorded and incidents still open, but they are marked
 * silenced and nothing is sent. Matches checks by id or by tags, during a time range, a weekly window, or both.
 */
export const silenceSchema = z
  .strictObject({
    /** Names the silence in messages and on the timeline. */
    id: z.string().check(z.minLength(1)),
    /** Why: shown on the incidents it holds (and, for maintenance, on the status page). */
    reason: z.string().check(z.minLength(1)),
    /** Check ids it covers. */
    checks: z.optional(z.array(z.string()).check(z.minLength(1))),
    /** Tags a check must all have to be covered, e.g. `{ service: 'orders' }`. */
    tags: z.optional(z.record(z.string(), z.string())),
    /** ISO time it starts. Default: always started. */
    from: z.optional(z.iso.datetime({ offset: true })),
    /** ISO time it ends. Default: never ends. */
    until: z.optional(z.iso.datetime({ offset: true })),
    /** A recurring window, e.g. `{ days: ['SUN'], start: '03:00', end: '06:00' }` (UTC; an end before the start runs past midnight). */
    weekly: z.optional(z.strictObject({ days: z.array(z.enum(DAYS)).check(z.minLength(1)), start: hhmm, end: hhmm })),
    /** Planned maintenance: the status page shows it, current and upcoming, on the components of its checks. Default: false. */
    maintenance: z.optional(z.boolean()),
    /** Who set it, for silences set by an operator. */
    by: z.optional(z.string()),
  })
  .check(
    z.refine((s) => s.checks !== undefined || s.tags !== undefined, {
      message: 'name the "checks" or "tags" it covers (a silence of everything would hide every outage)',
    }),
  );

export type Silence = z.output<typeof silenceSchema>;

export interface SilenceTarget {
  id: string;
  tags: Record<string, string>;
}

/** The first silence covering `check` at `now`, if any. */
export function activeSilence(silences: readonly Silence[], check: SilenceTarget, now: Date): Silence | undefined {
  return silences.find((s) => covers(s, check) && inTime(s, now));
}

function covers(s: Silence, check: SilenceTarget): boolean {
  if (s.checks && !s.checks.includes(check.id)) return false;
  if (s.tags && !Object.entries(s.tags).every(([k, v]) => check.tags[k] === v)) return false;
  return true;
}

function inTime(s: Silence, now: Date): boolean {
  if (s.from && now < new Date(s.from)) return false;
  if (s.until && now >= new Date(s.until)) return false;
  return s.weekly ? inWeeklyWindow(s.weekly, now) : true;
}

const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));

function inWeeklyWindow(w: NonNullable<Silence['weekly']>, now: Date): boolean {
  const start = minutesOf(w.start);
  const end = minutesOf(w.end);
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  const today = DAYS[now.getUTCDay()]!;
  const yesterday = DAYS[(now.getUTCDay() + 6) % 7]!;
  if (start < end) return w.days.includes(today) && minute >= start && minute < end;
  // Runs past midnight: the part after `start` on a listed day, and the part before `end` on the day after.
  return (w.days.includes(today) && minute >= start) || (w.days.includes(yesterday) && minute < end);
}

export { covers as silenceCovers, inTime as silenceInTime };

/** When a silence next holds after `now`, within `days`: its `from` (to its `until`), or its weekly window's next start and end. */
export function nextWindow(s: Silence, now: Date, days = 7): { from: Date; until?: string } | undefined {
  const horizon = now.getTime() + days * 86_400_000;
  if (!s.weekly) {
    const from = s.from ? new Date(s.from) : undefined;
    return from && from > now && from.getTime() <= horizon ? { from, ...(s.until ? { until: s.until } : {}) } : undefined;
  }
  const start = minutesOf(s.weekly.start);
  // A window whose end is before its start runs past midnight.
  const length = (minutesOf(s.weekly.end) - start + 1440) % 1440 || 1440;
  for (let d = 0; d <= days; d++) {
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + d));
    if (!s.weekly.days.includes(DAYS[day.getUTCDay()]!)) continue;
    const from = new Date(day.getTime() + start * 60_000);
    if (from > now && from.getTime() <= horizon && (!s.until || from < new Date(s.until)) && (!s.from || from >= new Date(s.from)))
      return { from, until: new Date(from.getTime() + length * 60_000).toISOString() };
  }
  return undefined;
}
