import * as z from '../zod.js';
import { candidates, describeSessions, sessionFilterShape, sessionRemediation, terminate } from './pg-sessions.js';
import { pgConnectionShape } from '../db/pg-session.js';

const STATE_SQL = { 'idle-in-transaction': "a.state LIKE 'idle in transaction%'", idle: "a.state = 'idle'" } as const;

/** Terminates sessions idle (in a transaction) too long: the guides' "kill idle connections older than 30 minutes". */
export const pgTerminateIdle = sessionRemediation({
  kind: 'pg-terminate-idle',
  example: { target: 'billing-db.internal:5432/billing', password: { secret: 'billing-db-vigil' }, olderThanMinutes: 30 },
  privileges: '`pg_monitor` and `pg_signal_backend` (`GRANT pg_monitor, pg_signal_backend TO vigil`); `allowSuperusers: true` needs a superuser.',
  description: 'Terminates PostgreSQL sessions idle (in a transaction) longer than a limit, within filters and a cap.',
  risk: 'low',
  settings: z.strictObject({
    ...pgConnectionShape,
    ...sessionFilterShape,
    /** `idle-in-transaction` (default) holds locks and snapshots; `idle` only holds a connection slot. */
    state: z._default(z.enum(['idle-in-transaction', 'idle']), 'idle-in-transaction'),
    /** Only sessions in that state longer than this. Default: 30, as the guides say. */
    olderThanMinutes: z._default(z.number().check(z.positive()), 30),
  }),
  select: (db, s) =>
    candidates(db, `${STATE_SQL[s.state]} AND now() - a.state_change > $1::float8 * interval '1 minute'`, 'a.state_change', [s.olderThanMinutes], s),
  none: (s) => `no ${s.state} session older than ${s.olderThanMinutes} min matches; nothing to terminate`,
  summary: (found, s) => `terminate ${found.length} ${s.state} session${found.length > 1 ? 's' : ''} on ${s.target}: ${describeSessions(found)}`,
  async act(db, s, planned, current) {
    // Only what was planned and still matches: a session that woke up, or a new one in its pid, is spared.
    const still = (await current()).filter((c) => planned.some((p) => p.pid === c.pid));
    const done = await terminate(db, still);
    return done.length ? `terminated ${describeSessions(done)}` : 'none of the planned sessions still matched; nothing terminated';
  },
});
