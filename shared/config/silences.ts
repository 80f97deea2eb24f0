import * as z from '../zod.js';
import { DAYS } from './silence-windows.js';

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
