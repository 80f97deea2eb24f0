import type pg from 'pg';
import * as z from '../zod.js';
import { pgConnectionShape, type PgConnection } from '../db/pg-session.js';
import { defineRemediation } from './remediation.js';
import { onDatabase } from './pg-sessions.js';
import { RemediationRefusedError } from '../errors.js';
import { maxMinutesSetting, pgObjectName, qualified, readBack, runMaintenance } from './pg-maintenance.js';

interface TableStats {
  table: string;
  dead: number;
  live: number;
  lastVacuum: string | null;
  lastAnalyze: string | null;
}

/** The named tables' statistics, as pg_stat_user_tables keeps them (the last VACUUM run by hand, not autovacuum's); a table it does not know is refused by name. */
async function statsOf(db: pg.Client, tables: string[]): Promise<TableStats[]> {
  const { rows } = await db.query<{ t: string; dead: string; live: string; last_vacuum: Date | null; last_analyze: Date | null }>(
    `SELECT schemaname || '.' || relname AS t, n_dead_tup AS dead, n_live_tup AS live,
            last_vacuum, last_analyze
       FROM pg_stat_user_tables WHERE schemaname || '.' || relname = ANY($1::text[])`,
    [tables.map(qualified)],
  );
  const missing = tables.map(qualified).filter((t) => !rows.some((r) => r.t === t));
  if (missing.length) throw new RemediationRefusedError(`no table ${missing.join(', ')} in the database (or none Vigil's user can see)`);
  return tables.map(qualified).map((t) => {
    const r = rows.find((x) => x.t === t)!;
    return {
      table: t,
      dead: Number(r.dead),
      live: Number(r.live),
      lastVacuum: r.last_vacuum?.toISOString() ?? null,
      lastAnalyze: r.last_analyze?.toISOString() ?? null,
    };
  });
}

/** `VACUUM (ANALYZE)` of named tables: the guides' monthly "perform database vacuum and analyze", scheduled with its prechecks. */
export const pgVacuumAnalyze = defineRemediation({
  kind: 'pg-vacuum-analyze',
  example: { target: 'billing-db.internal:5432/billing', password: { secret: 'billing-db-vigil' }, tables: ['public.loans', 'public.payments'] },
  description:
    'Runs VACUUM (ANALYZE) on named PostgreSQL tables within a time limit: dead rows reclaimed, statistics refreshed; a table it may not vacuum is a failure, not a pass.',
  risk: 'low',
  privileges: 'ownership of the tables, or a superuser (`pg_maintain` on PostgreSQL 17 and later); `pg_monitor` to read their statistics.',
  uses: { driver: 'pg' },
  settings: z.strictObject({
    ...pgConnectionShape,
    /** The tables, `schema.table` (or `table`, in public), vacuumed in this order. */
    tables: z.array(pgObjectName('a table', 'public.loans')).check(z.minLength(1), z.maxLength(20)),
    /** The whole job's time limit, in minutes, within the runbook function's 10: a VACUUM still running then is cancelled (what it did stays done). Default: 8. */
    maxMinutes: maxMinutesSetting,
  }),
  targetKey: (s) => `pg:${s.target}`,
  async plan(s, ctx) {
    const { stats, serverNow } = await onDatabase(s as PgConnection, ctx, async (db) => ({
      stats: await statsOf(db, s.tables),
      // The server's clock, which its statistics are stamped with: reading back compares like with like.
      serverNow: (await db.query<{ now: Date }>('SELECT now()')).rows[0]!.now.toISOString(),
    }));
    const listed = stats.map((t) => `${t.table} (${t.dead.toLocaleString('en')} dead of ${t.live.toLocaleString('en')} rows)`).join(', ');
    return {
      summary: `VACUUM (ANALYZE) ${stats.length} table${stats.length > 1 ? 's' : ''} on ${s.target}: ${listed}`,
      change: { tables: stats.map((t) => t.table), serverNow },
    };
  },
  execute: (s, plan, ctx) =>
    runMaintenance(s, ctx, plan.change.tables, { statement: 'VACUUM (ANALYZE)', did: 'vacuumed and analyzed', none: 'no table was vacuumed' }),
  async reconcile(s, plan, ctx) {
    const stats = await onDatabase(s as PgConnection, ctx, (db) => statsOf(db, plan.change.tables));
    const since = plan.change.serverNow;
    const done = stats.filter((t) => t.lastVacuum !== null && t.lastVacuum >= since && t.lastAnalyze !== null && t.lastAnalyze >= since).map((t) => t.table);
    return readBack(plan.change.tables, done, 'vacuumed and analyzed');
  },
});
