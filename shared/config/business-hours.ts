import * as z from '../zod.js';
import { SEVERITIES } from './names.js';

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const localTime = (example: string) =>
  z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, `expected "HH:MM" in the time zone's local time, e.g. "${example}"`));

const timeZone = z.string().check(
  z.refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'expected an IANA time zone, e.g. "Europe/Berlin" or "America/New_York"' },
  ),
);

/**
 * When people work, for the severities that may wait for them: outside these hours such an incident opens
 * held, and pages (saying it waited) when they begin; its reminders, escalation and updates wait too.
 */
export const businessHoursSchema = z
  .strictObject({
    /** An IANA time zone, e.g. `Europe/Berlin`; its daylight saving time is followed. */
    timeZone,
    /** Default: Monday to Friday. */
    days: z._default(z.array(z.enum(WEEKDAYS)).check(z.minLength(1)), ['MON', 'TUE', 'WED', 'THU', 'FRI']),
    /** Local time the day starts. Default: 09:00. */
    start: z._default(localTime('09:00'), '09:00'),
    /** Local time it ends. Default: 18:00. */
    end: z._default(localTime('18:00'), '18:00'),
    /** The severities that wait. Default: P3 and P4. */
    severities: z._default(z.array(z.enum(SEVERITIES)).check(z.minLength(1)), ['P3', 'P4']),
  })
  .check(z.refine((h) => h.start < h.end, { message: '"start" must come before "end" (hours within one day)', path: ['end'] }));

export type BusinessHours = z.output<typeof businessHoursSchema>;
