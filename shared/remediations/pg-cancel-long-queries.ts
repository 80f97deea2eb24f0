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
  /** Only queries running longer than this. Default: 5. */
  olderThanMinutes: z._default(z.number().check(z.positive()), 5),
  /** After cancelling, how long a query may take to stop before its session is terminated. Default: 10. */
  graceSeconds: z._default(z.number().check(z.minimum(0), z.maximum(120)), 10),
});

type Settings = z.output<typeof settings>;
type Db = Parameters<typeof candidates>[0];

/** Cancels queries running too long; a query that ignores the cancel loses its session. */
export const pgCancelLongQueries = defineRemediation({
  kind: 'pg-cancel-long-queries',
  description: 'Cancels PostgreSQL queries running longer than a limit, then terminates the sessions of those that do not stop.',
  risk: 'low',
  uses: { driver: 'pg' },
  settings,
  targetKey: (s) => `pg:${s.target}`,
  async plan(s, ctx) {
    const found = await onDatabase(s, ctx, (db) => select(db, s));
    if (!found.length) throw new RemediationRefusedError(`no query running longer than ${s.olderThanMinutes} min matches; nothing to cancel`);
    return {
      summary: `cancel ${found.length} quer${found.length > 1 ? 'ies' : 'y'} on ${s.target} (terminate if still running after ${s.graceSeconds} s): ${describeSessions(found)}`,
      change: { sessions: found },
    };
  },
  async execute(s, plan, ctx) {
    const planned = plannedSessions(plan.change);
    const cancel = async (db: Db) => {
      const targets = samePlannedQuery(await select(db, s), planned);
      if (!targets.length) return 'none of the planned queries was still running; nothing cancelled';
      await db.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [targets.map((c) => c.pid)]);
      const deadline = Date.now() + s.graceSeconds * 1000;
      let stubborn = samePlannedQuery(await select(db, s), targets);
      while (stubborn.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        stubborn = samePlannedQuery(await select(db, s), targets);
      }
      const terminated = await terminate(db, stubborn);
      const cancelled = targets.filter((t) => !terminated.some((x) => x.pid === t.pid));
      return [
        cancelled.length ? `cancelled ${describeSessions(cancelled)}` : '',
        terminated.length ? `terminated (ignored the cancel) ${describeSessions(terminated)}` : '',
      ]
        .filter(Boolean)
        .join('; ');
    };
    return onDatabase(s, ctx, cancel, s.graceSeconds * 1000);
  },
  reconcile: (s, plan, ctx) => onDatabase(s, ctx, (db) => reconcileSessions(db, plannedSessions(plan.change))),
});

function select(db: Db, s: Settings) {
  return candidates(db, "a.state = 'active' AND now() - a.query_start > $1::float8 * interval '1 minute'", 'a.query_start', [s.olderThanMinutes], s);
}
