// When silences hold, apart from their schema: the functions that ask (every round, every alarm) build no schema at load.

export const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** A silence as deciding whether it holds reads it (shared/config/silences.ts validates it). */
export interface SilenceRule {
  checks?: readonly string[] | undefined;
  tags?: Record<string, string> | undefined;
  from?: string | undefined;
  until?: string | undefined;
  weekly?: { days: readonly (typeof DAYS)[number][]; start: string; end: string } | undefined;
}

export interface SilenceTarget {
  id: string;
  tags: Record<string, string>;
}

/** The first silence covering `check` at `now`, if any. */
export function activeSilence<S extends SilenceRule>(silences: readonly S[], check: SilenceTarget, now: Date): S | undefined {
  return silences.find((s) => covers(s, check) && inTime(s, now));
}

function covers(s: SilenceRule, check: SilenceTarget): boolean {
  if (s.checks && !s.checks.includes(check.id)) return false;
  if (s.tags && !Object.entries(s.tags).every(([k, v]) => check.tags[k] === v)) return false;
  return true;
}

function inTime(s: SilenceRule, now: Date): boolean {
  if (s.from && now < new Date(s.from)) return false;
  if (s.until && now >= new Date(s.until)) return false;
  return s.weekly ? inWeeklyWindow(s.weekly, now) : true;
}

const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3));

function inWeeklyWindow(w: NonNullable<SilenceRule['weekly']>, now: Date): boolean {
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
export function nextWindow(s: SilenceRule, now: Date, days = 7): { from: Date; until?: string } | undefined {
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
