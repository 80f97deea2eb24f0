import * as z from '../zod.js';
import { candidates, describeSessions, onDatabase, plannedSessions, reconcileSessions, sessionFilterShape, terminate } from './pg-sessions.js';
import { pgConnectionShape } from '../db/pg-session.js';
import { defineRemediation, RemediationRefusedError } from './remediation.js';

const settings = z.strictObject({
  ...pgConnectionShape,
  ...sessionFilterShape,
  /** `idle-in-transaction` (default) holds locks and snapshots; `idle` only holds a connection slot. */
  state: z._default(z.enum(['idle-in-transaction', 'idle']), 'idle-in-transaction'),
  /** Only sessions in that state longer than this. Default: 30, as the guides say. */
  olderThanMinutes: z._default(z.number().check(z.positive()), 30),
});

const STATE_SQL = { 'idle-in-transaction': "a.state LIKE 'idle in transaction%'", idle: "a.state = 'idle'" } as const;

/** Terminates sessions idle (in a transaction) too long: the guides' "kill idle connections older than 30 minutes". */
export const pgTerminateIdle = defineRemediation({
  kind: 'pg-terminate-idle',
  description: 'Terminates PostgreSQL sessions idle (in a transaction) longer than a limit, within filters and a cap.',
  risk: 'low',
  uses: { driver: 'pg' },
  settings,
  targetKey: (s) => `pg:${s.target}`,
  async plan(s, ctx) {
    const found = await onDatabase(s, ctx, (db) => select(db, s));
    if (!found.length) throw new RemediationRefusedError(`no ${s.state} session older than ${s.olderThanMinutes} min matches; nothing to terminate`);
    return {
      summary: `terminate ${found.length} ${s.state} session${found.length > 1 ? 's' : ''} on ${s.target}: ${describeSessions(found)}`,
      change: { sessions: found },
    };
  },
  async execute(s, plan, ctx) {
    const planned = plannedSessions(plan.change);
    return onDatabase(s, ctx, async (db) => {
      // Only what was planned and still matches: a session that woke up, or a new one in its pid, is spared.
      const still = (await select(db, s)).filter((c) => planned.some((p) => p.pid === c.pid));
      const done = await terminate(db, still);
      return done.length ? `terminated ${describeSessions(done)}` : 'none of the planned sessions still matched; nothing terminated';
    });
  },
  reconcile: (s, plan, ctx) => onDatabase(s, ctx, (db) => reconcileSessions(db, plannedSessions(plan.change))),
});

function select(db: Parameters<typeof candidates>[0], s: z.output<typeof settings>) {
  return candidates(db, `${STATE_SQL[s.state]} AND now() - a.state_change > $1::float8 * interval '1 minute'`, 'a.state_change', [s.olderThanMinutes], s);
}
