import * as z from '../zod.js';
import { candidates, describeSessions, samePlannedQuery, sessionFilterShape, sessionRemediation, terminate } from './pg-sessions.js';
import { pgConnectionShape } from '../db/pg-session.js';

/** Terminates the root of a lock chain: its transaction rolls back, and everything behind it moves. High risk: work is lost. */
export const pgTerminateBlocker = sessionRemediation({
  kind: 'pg-terminate-blocker',
  example: { target: 'billing-db.internal:5432/billing', password: { secret: 'billing-db-vigil' }, blockedSeconds: 30 },
  privileges: '`pg_monitor` and `pg_signal_backend` (`GRANT pg_monitor, pg_signal_backend TO vigil`); `allowSuperusers: true` needs a superuser.',
  description: 'Terminates the root blocker of a PostgreSQL lock chain (its transaction rolls back).',
  risk: 'high',
  settings: z.strictObject({
    ...pgConnectionShape,
    ...sessionFilterShape,
    /** Only when some session has waited on the chain this long. Default: 30. */
    blockedSeconds: z._default(z.number().check(z.positive()), 30),
    /** Root blockers per run. Default: 1. */
    maxSessions: z._default(z.int().check(z.minimum(1), z.maximum(10)), 1),
  }),
  /** Sessions that block others (waiting long enough) and wait on no one themselves. */
  select: (db, s) =>
    candidates(
      db,
      `a.pid IN (SELECT unnest(pg_blocking_pids(w.pid)) FROM pg_stat_activity w
         WHERE cardinality(pg_blocking_pids(w.pid)) > 0 AND now() - coalesce(w.state_change, w.query_start) > $1::float8 * interval '1 second')
       AND cardinality(pg_blocking_pids(a.pid)) = 0`,
      'a.xact_start',
      [s.blockedSeconds],
      s,
    ),
  none: (s) => `no root blocker in reach with sessions waiting ${s.blockedSeconds} s or more; nothing to terminate`,
  summary: (found, s) =>
    `terminate root blocker${found.length > 1 ? 's' : ''} on ${s.target} (rolls back ${found.length > 1 ? 'their transactions' : 'its transaction'}): ${describeSessions(found)}`,
  async act(db, s, planned, current) {
    // Still a root blocker, still the same transaction's query: otherwise the chain resolved itself.
    const still = samePlannedQuery(await current(), planned);
    const done = await terminate(db, still);
    return done.length ? `terminated root blocker ${describeSessions(done)}` : 'the planned blocker no longer blocks; nothing terminated';
  },
});
