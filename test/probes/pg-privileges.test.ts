import { describe, expect, it } from 'vitest';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { pgCancelLongQueries } from '../../shared/remediations/pg-cancel-long-queries.js';
import { pgTerminateBlocker } from '../../shared/remediations/pg-terminate-blocker.js';
import { pgTerminateIdle } from '../../shared/remediations/pg-terminate-idle.js';
import { runOne, type TestCheck } from '../support/checks.js';
import { until, useCluster } from '../support/postgres.js';
import { systemClock } from '../../shared/clock.js';

// PostgreSQL shows a role without pg_read_all_stats only its own sessions: every other row's state,
// query and times are NULL. A check that reads them must say it cannot see, never pass.
const cluster = useCluster({ preload: ['pg_stat_statements'] }, (admin) =>
  admin.client.query(`CREATE ROLE plain LOGIN PASSWORD 'plain-pw';
    CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw' IN ROLE pg_monitor;
    CREATE ROLE fixer LOGIN PASSWORD 'fixer-pw' IN ROLE pg_monitor;
    CREATE ROLE watcher LOGIN PASSWORD 'watcher-pw' IN ROLE pg_monitor, pg_signal_backend;`),
);
const as = (user: string, measure: string, extra: object = {}) =>
  runOne({
    kind: 'pg',
    target: `${cluster.db.host}:${cluster.db.port}/postgres`,
    user,
    password: { value: `${user}-pw` },
    ssl: 'disable',
    measure,
    thresholds: { olderThanMinutes: 0.0001, blockedSeconds: 0.001 },
    ...extra,
  } as TestCheck);

describe('a pg check whose role cannot see every session', () => {
  it.each(['connections', 'idle-in-transaction', 'long-queries', 'blocking', 'replication', 'slow-statements'])(
    '%s: an error naming the grant, never ok',
    async (measure) => {
      const leaked = await cluster.open({ application: 'billing-worker' });
      await leaked.client.query('BEGIN; SELECT 1');
      const finding = await as('plain', measure);
      expect(finding).toMatchObject({ status: 'error', summary: expect.stringMatching(/plain .*pg_read_all_stats.*GRANT pg_monitor TO plain/) });
    },
  );

  it('with pg_monitor, sees the session another role left idle in a transaction', async () => {
    const leaked = await cluster.open({ application: 'billing-worker' });
    await leaked.client.query('BEGIN; SELECT 1');
    await until(
      async () => (await cluster.admin.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction'")).rows[0].n === 1,
    );
    expect(await as('monitor', 'idle-in-transaction')).toMatchObject({ status: 'fail', summary: expect.stringContaining(`pid ${leaked.pid}`) });
  });

  it('slow-statements without the extension is an error naming how to install it', async () => {
    await cluster.admin.client.query('DROP EXTENSION IF EXISTS pg_stat_statements');
    expect(await as('monitor', 'slow-statements')).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/pg_stat_statements is not installed.*CREATE EXTENSION pg_stat_statements/),
    });
    await cluster.admin.client.query('CREATE EXTENSION pg_stat_statements');
  });

  it('measures that need no privilege still run for a plain role', async () => {
    expect(await as('plain', 'connectivity')).toMatchObject({ status: 'ok' });
    expect((await as('plain', 'cache-hit')).status).not.toBe('error');
  });
});

describe('a pg remediation whose role cannot see or signal other sessions', () => {
  const ctx = { aws: { metrics: new BatchingMetrics() } as unknown as AwsPorts, clock: systemClock };
  const settingsFor = (user: string) => ({ target: `${cluster.db.host}:${cluster.db.port}/postgres`, user, password: { value: `${user}-pw` }, ssl: 'disable' });

  it.each([
    ['plain', /plain .*pg_read_all_stats.*GRANT pg_monitor TO plain/],
    ['fixer', /fixer .*pg_signal_backend.*GRANT pg_signal_backend TO fixer/],
  ])('refuses to plan as %s, naming the grant', async (user, why) => {
    const leaked = await cluster.open({ application: 'billing-worker' });
    await leaked.client.query('BEGIN; SELECT 1');
    for (const r of [pgTerminateIdle, pgCancelLongQueries, pgTerminateBlocker] as const) {
      await expect(r.plan(r.settings.parse(settingsFor(user)) as never, ctx)).rejects.toThrow(why);
    }
  });

  it("refuses to reach superusers' sessions without being one", async () => {
    await expect(
      pgTerminateIdle.plan(pgTerminateIdle.settings.parse({ ...settingsFor('watcher'), olderThanMinutes: 0.0001, allowSuperusers: true }), ctx),
    ).rejects.toThrow(/allowSuperusers.*watcher is not a superuser/);
  });
});
