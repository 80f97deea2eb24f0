import { describe, expect, it } from 'vitest';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { pgReindex } from '../../shared/remediations/pg-reindex.js';
import { useCluster } from '../support/postgres.js';
import { systemClock } from '../../shared/clock.js';

const ctx = { aws: { metrics: new BatchingMetrics() } as unknown as AwsPorts, clock: systemClock };
// Vigil's user owns the payments table and its index; the audit table's index is the database owner's.
const cluster = useCluster({}, (admin) =>
  admin.client.query(`
    CREATE ROLE vigil_maint LOGIN PASSWORD 'maint-pw';
    CREATE TABLE payments (id int PRIMARY KEY, loan int);
    CREATE INDEX payments_loan_idx ON payments (loan);
    ALTER TABLE payments OWNER TO vigil_maint;
    INSERT INTO payments SELECT g, g % 100 FROM generate_series(1, 20000) g;
    CREATE TABLE audit (id int);
    CREATE INDEX audit_id_idx ON audit (id);
  `),
);

const settings = (indexes: string[]) =>
  pgReindex.settings.parse({
    target: `${cluster.db.host}:${cluster.db.port}/postgres`,
    user: 'vigil_maint',
    password: { value: 'maint-pw' },
    ssl: 'disable',
    indexes,
  });
const fileOf = async (index: string) => Number((await cluster.admin.client.query('SELECT pg_relation_filenode($1::regclass) AS f', [index])).rows[0].f);

describe('pg-reindex', () => {
  it('rebuilds the index concurrently (a new file on disk) and reads that back', async () => {
    const s = settings(['payments_loan_idx']);
    const before = await fileOf('payments_loan_idx');
    const plan = await pgReindex.plan(s, ctx);
    expect(plan.summary).toMatch(/^REINDEX INDEX CONCURRENTLY 1 index on 127\.0\.0\.1:\d+\/postgres: public\.payments_loan_idx \(\d+\.\d MB\)$/);
    expect((await pgReindex.reconcile(s, plan, ctx)).applied).toBe('no');
    expect(await pgReindex.execute(s, plan, ctx)).toBe('rebuilt public.payments_loan_idx');
    expect(await fileOf('payments_loan_idx')).not.toBe(before);
    expect(await pgReindex.reconcile(s, plan, ctx)).toMatchObject({ applied: 'yes' });
  });

  it('counts an index it may not rebuild as not done, and fails when none was', async () => {
    const both = settings(['public.payments_loan_idx', 'public.audit_id_idx']);
    expect(await pgReindex.execute(both, await pgReindex.plan(both, ctx), ctx)).toMatch(
      /^rebuilt public\.payments_loan_idx; not done: public\.audit_id_idx: must be owner of (index|table) audit/,
    );
    const audit = settings(['public.audit_id_idx']);
    await expect(pgReindex.execute(audit, await pgReindex.plan(audit, ctx), ctx)).rejects.toThrow(/^no index was rebuilt: public\.audit_id_idx: must be owner/);
  });

  it('stops at the invalid copy an earlier failed rebuild left, naming it', async () => {
    // What a REINDEX CONCURRENTLY cancelled halfway leaves behind: an invalid index named after the one it rebuilt.
    await cluster.admin.client.query('CREATE INDEX payments_loan_idx_ccnew ON payments (loan)');
    await cluster.admin.client.query("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'payments_loan_idx_ccnew'::regclass");
    try {
      await expect(pgReindex.plan(settings(['payments_loan_idx']), ctx)).rejects.toThrow(
        'an earlier REINDEX CONCURRENTLY left public.payments_loan_idx_ccnew (invalid): DROP INDEX CONCURRENTLY it first',
      );
    } finally {
      await cluster.admin.client.query('DROP INDEX payments_loan_idx_ccnew');
    }
  });

  it('refuses an index the database does not have, and a name that is not one, naming them', async () => {
    await expect(pgReindex.plan(settings(['payments_loan_ix']), ctx)).rejects.toThrow('no index public.payments_loan_ix in the database');
    expect(() => settings(['payments_loan_idx; DROP TABLE payments'])).toThrow(/expected an index/);
  });
});
