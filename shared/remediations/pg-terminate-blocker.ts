import * as z from '../zod.js';
import {
  candidates,
  describeSessions,
  onDatabase,
  plannedSessions,
  reconcileSessions,
  samePlannedQuery,
  sessionFilterShape,
  terminate,
} from './pg-sessions.js';
import { pgConnectionShape } from '../db/pg-session.js';
import { defineRemediation, RemediationRefusedError } from './remediation.js';

const settings = z.strictObject({
  ...pgConnectionShape,
  ...sessionFilterShape,
  /** Only when some session has waited on the chain this long. Default: 30. */
  blockedSeconds: z._default(z.number().check(z.positive()), 30),
  /** Root blockers per run. Default: 1. */
  maxSessions: z._default(z.int().check(z.minimum(1), z.maximum(10)), 1),
});

type Settings = z.output<typeof settings>;
type Db = Parameters<typeof candidates>[0];

/** Terminates the root of a lock chain: its transaction rolls back, and everything behind it moves. High risk: work is lost. */
export const pgTerminateBlocker = defineRemediation({
  kind: 'pg-terminate-blocker',
  description: 'Terminates the root blocker of a PostgreSQL lock chain (its transaction rolls back).',
  risk: 'high',
  uses: { driver: 'pg' },
  settings,
  targetKey: (s) => `pg:${s.target}`,
  async plan(s, ctx) {
    const found = await onDatabase(s, ctx, (db) => roots(db, s));
    if (!found.length) throw new RemediationRefusedError(`no root blocker in reach with sessions waiting ${s.blockedSeconds} s or more; nothing to terminate`);
    return {
      summary: `terminate root blocker${found.length > 1 ? 's' : ''} on ${s.target} (rolls back ${found.length > 1 ? 'their transactions' : 'its transaction'}): ${describeSessions(found)}`,
      change: { sessions: found },
    };
  },
  async execute(s, plan, ctx) {
    const planned = plannedSessions(plan.change);
    return onDatabase(s, ctx, async (db) => {
      // Still a root blocker, still the same transaction's query: otherwise the chain resolved itself.
      const still = samePlannedQuery(await roots(db, s), planned);
      const done = await terminate(db, still);
      return done.length ? `terminated root blocker ${describeSessions(done)}` : 'the planned blocker no longer blocks; nothing terminated';
    });
  },
  reconcile: (s, plan, ctx) => onDatabase(s, ctx, (db) => reconcileSessions(db, plannedSessions(plan.change))),
});

/** Sessions that block others (waiting long enough) and wait on no one themselves. */
function roots(db: Db, s: Settings) {
  return candidates(
    db,
    `a.pid IN (SELECT unnest(pg_blocking_pids(w.pid)) FROM pg_stat_activity w
       WHERE cardinality(pg_blocking_pids(w.pid)) > 0 AND now() - coalesce(w.state_change, w.query_start) > $1::float8 * interval '1 second')
     AND cardinality(pg_blocking_pids(a.pid)) = 0`,
    'a.xact_start',
    [s.blockedSeconds],
    s,
  );
}
