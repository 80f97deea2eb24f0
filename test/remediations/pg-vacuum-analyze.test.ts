import { describe, expect, it } from 'vitest';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { pgVacuumAnalyze } from '../../shared/remediations/pg-vacuum-analyze.js';
import { until, useCluster } from '../support/postgres.js';
import { systemClock } from '../../shared/clock.js';

const ctx = { aws: { metrics: new BatchingMetrics() } as unknown as AwsPorts, clock: systemClock };
// Vigil's user owns the loans and payments; the audit table is the database owner's, which PostgreSQL will not let it vacuum.
const cluster = useCluster({}, (admin) =>
  admin.client.query(`
    CREATE ROLE vigil_maint LOGIN PASSWORD 'maint-pw';
    GRANT pg_monitor TO vigil_maint;
    CREATE TABLE loans (id int PRIMARY KEY, amount numeric);
    CREATE TABLE payments (id int PRIMARY KEY, loan int);
    CREATE TABLE audit (id int);
    ALTER TABLE loans OWNER TO vigil_maint;
    ALTER TABLE payments OWNER TO vigil_maint;
    ALTER TABLE loans SET (autovacuum_enabled = false);
    INSERT INTO loans SELECT g, g * 10 FROM generate_series(1, 20000) g;
    DELETE FROM loans WHERE id % 2 = 0;
    INSERT INTO payments SELECT g, g FROM generate_series(1, 100) g;
    INSERT INTO audit VALUES (1);
  `),
);

const settings = (tables: string[]) =>
  pgVacuumAnalyze.settings.parse({
    target: `${cluster.db.host}:${cluster.db.port}/postgres`,
    user: 'vigil_maint',
    password: { value: 'maint-pw' },
    ssl: 'disable',
    tables,
  });
const deadRows = async (table: string) =>
  Number((await cluster.admin.client.query('SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1', [table])).rows[0].n_dead_tup);

describe('pg-vacuum-analyze', () => {
  it('plans with each table’s dead rows, vacuums and analyzes them, and reads the work back', async () => {
    await until(async () => (await deadRows('loans')) === 10000);
    const s = settings(['public.loans', 'payments']);
    const plan = await pgVacuumAnalyze.plan(s, ctx);
    expect(plan.summary).toMatch(
      /^VACUUM \(ANALYZE\) 2 tables on 127\.0\.0\.1:\d+\/postgres: public\.loans \(10,000 dead of 10,000 rows\), public\.payments \(0 dead of 100 rows\)$/,
    );
    expect((await pgVacuumAnalyze.reconcile(s, plan, ctx)).applied).toBe('no');

    expect(await pgVacuumAnalyze.execute(s, plan, ctx)).toBe('vacuumed and analyzed public.loans, public.payments');
    await until(async () => (await deadRows('loans')) === 0);
    expect(await pgVacuumAnalyze.reconcile(s, plan, ctx)).toMatchObject({ applied: 'yes' });
  });

  it('counts a table PostgreSQL skipped (Vigil may not vacuum it) as not done, never as done', async () => {
    const s = settings(['public.payments', 'public.audit']);
    const result = await pgVacuumAnalyze.execute(s, await pgVacuumAnalyze.plan(s, ctx), ctx);
    expect(result).toMatch(
      /^vacuumed and analyzed public\.payments; not done: public\.audit: skipping "audit" --- only (superuser|table or database owner) can vacuum it/,
    );
    const onlyAudit = settings(['public.audit']);
    await expect(pgVacuumAnalyze.execute(onlyAudit, await pgVacuumAnalyze.plan(onlyAudit, ctx), ctx)).rejects.toThrow(
      /^no table was vacuumed: public\.audit: skipping/,
    );
  });

  it('refuses a table the database does not have, naming it', async () => {
    await expect(pgVacuumAnalyze.plan(settings(['public.loans', 'public.loan']), ctx)).rejects.toThrow(
      "no table public.loan in the database (or none Vigil's user can see)",
    );
  });

  it('refuses a name that is not a table’s, at load', () => {
    expect(() => settings(['loans; DROP TABLE loans'])).toThrow(/expected a table/);
  });
});
