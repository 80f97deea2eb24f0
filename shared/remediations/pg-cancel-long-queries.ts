import * as z from '../zod.js';
import { candidates, describeSessions, samePlannedQuery, sessionFilterShape, sessionRemediation, terminate } from './pg-sessions.js';
import { pgConnectionShape } from '../db/pg-session.js';

/** Cancels queries running too long; a query that ignores the cancel loses its session. */
export const pgCancelLongQueries = sessionRemediation({
  kind: 'pg-cancel-long-queries',
  example: { target: 'billing-db.internal:5432/billing', password: { secret: 'billing-db-vigil' }, olderThanMinutes: 5 },
  privileges: '`pg_monitor` and `pg_signal_backend` (`GRANT pg_monitor, pg_signal_backend TO vigil`); `allowSuperusers: true` needs a superuser.',
  description: 'Cancels PostgreSQL queries running longer than a limit, then terminates the sessions of those that do not stop.',
  risk: 'low',
  settings: z.strictObject({
    ...pgConnectionShape,
    ...sessionFilterShape,
    /** Only queries running longer than this. Default: 5. */
    olderThanMinutes: z._default(z.number().check(z.positive()), 5),
    /** After cancelling, how long a query may take to stop before its session is terminated. Default: 10. */
    graceSeconds: z._default(z.number().check(z.minimum(0), z.maximum(120)), 10),
  }),
  select: (db, s) =>
    candidates(db, "a.state = 'active' AND now() - a.query_start > $1::float8 * interval '1 minute'", 'a.query_start', [s.olderThanMinutes], s),
  none: (s) => `no query running longer than ${s.olderThanMinutes} min matches; nothing to cancel`,
  summary: (found, s) =>
    `cancel ${found.length} quer${found.length > 1 ? 'ies' : 'y'} on ${s.target} (terminate if still running after ${s.graceSeconds} s): ${describeSessions(found)}`,
  waitMs: (s) => s.graceSeconds * 1000,
  async act(db, s, planned, current) {
    const targets = samePlannedQuery(await current(), planned);
    if (!targets.length) return 'none of the planned queries was still running; nothing cancelled';
    await db.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [targets.map((c) => c.pid)]);
    const deadline = Date.now() + s.graceSeconds * 1000;
    let stubborn = samePlannedQuery(await current(), targets);
    while (stubborn.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      stubborn = samePlannedQuery(await current(), targets);
    }
    const terminated = await terminate(db, stubborn);
    const cancelled = targets.filter((t) => !terminated.some((x) => x.pid === t.pid));
    return [
      cancelled.length ? `cancelled ${describeSessions(cancelled)}` : '',
      terminated.length ? `terminated (ignored the cancel) ${describeSessions(terminated)}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  },
});
