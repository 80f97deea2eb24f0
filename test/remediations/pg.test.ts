import { describe, expect, it } from 'vitest';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { pgCancelLongQueries } from '../../shared/remediations/pg-cancel-long-queries.js';
import { pgTerminateBlocker } from '../../shared/remediations/pg-terminate-blocker.js';
import { pgTerminateIdle } from '../../shared/remediations/pg-terminate-idle.js';
import { until, useCluster, type Session } from '../support/postgres.js';
import { systemClock } from '../../shared/clock.js';

const ctx = { aws: { metrics: new BatchingMetrics() } as unknown as AwsPorts, clock: systemClock };
const cluster = useCluster({}, (admin) => admin.client.query("CREATE ROLE app LOGIN PASSWORD 'app-pw'; CREATE ROLE reporting LOGIN PASSWORD 'rep-pw'"));

async function open(user: string, application: string, inTransaction: boolean) {
  const s = await cluster.open({ user, password: user === 'postgres' ? cluster.db.password : `${user === 'app' ? 'app' : 'rep'}-pw`, application });
  if (inTransaction) await s.client.query('BEGIN; SELECT 1');
  return s;
}
const alive = async (s: Session) =>
  s.client.query('SELECT 1').then(
    () => true,
    () => false,
  );
const settings = (extra: object = {}) =>
  pgTerminateIdle.settings.parse({
    target: `${cluster.db.host}:${cluster.db.port}/postgres`,
    user: cluster.db.user,
    password: { value: cluster.db.password },
    ssl: 'disable',
    olderThanMinutes: 0.0001,
    ...extra,
  });

async function scene() {
  const victims = [await open('app', 'billing-worker', true), await open('app', 'billing-worker', true)];
  const idleOnly = await open('app', 'billing-worker', false);
  const otherApp = await open('app', 'orders-api', true);
  const otherUser = await open('reporting', 'billing-worker', true);
  const superuser = await open('postgres', 'billing-worker', true);
  await until(
    async () => (await cluster.admin.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction'")).rows[0].n === 5,
  );
  await new Promise((r) => setTimeout(r, 50));
  return { victims, bystanders: [idleOnly, otherApp, otherUser, superuser] };
}

describe('pg-terminate-idle', () => {
  it('plans exactly the sessions in reach, and a dry run (the plan alone) terminates nothing', async () => {
    const { victims, bystanders } = await scene();
    const s = settings({ users: ['app'], applications: ['billing-worker'] });
    const plan = await pgTerminateIdle.plan(s, ctx);
    expect((plan.change.sessions as { pid: number }[]).map((c) => c.pid).sort()).toEqual(victims.map((v) => v.pid).sort());
    expect(plan.summary).toMatch(/^terminate 2 idle-in-transaction sessions on 127\.0\.0\.1:\d+\/postgres: pid \d+ \(app\/billing-worker, \d+ s\), pid \d+/);
    for (const s of [...victims, ...bystanders]) expect(await alive(s)).toBe(true);
  });

  it('terminates exactly the planned backends: the victims lose their connection, nobody else does', async () => {
    const { victims, bystanders } = await scene();
    const s = settings({ users: ['app'], applications: ['billing-worker'] });
    const result = await pgTerminateIdle.execute(s, await pgTerminateIdle.plan(s, ctx), ctx);
    expect(result).toMatch(/^terminated pid \d+ \(app\/billing-worker, \d+ s\), pid \d+/);
    for (const v of victims) expect(await alive(v)).toBe(false);
    for (const b of bystanders) expect(await alive(b)).toBe(true);
    const left = await cluster.admin.client.query('SELECT pid FROM pg_stat_activity WHERE pid = ANY($1)', [victims.map((v) => v.pid)]);
    expect(left.rows).toEqual([]);
  });

  it('reads back a termination whose answer was lost: the planned sessions gone, or all still there', async () => {
    const { victims } = await scene();
    const s = settings({ users: ['app'], applications: ['billing-worker'] });
    const plan = await pgTerminateIdle.plan(s, ctx);
    expect(await pgTerminateIdle.reconcile(s, plan, ctx)).toMatchObject({
      applied: 'no',
      detail: expect.stringMatching(/^the planned sessions are all still there: pid \d+/),
    });
    await cluster.admin.client.query('SELECT pg_terminate_backend($1, 5000)', [victims[0]!.pid]);
    expect(await pgTerminateIdle.reconcile(s, plan, ctx)).toMatchObject({
      applied: 'yes',
      detail: expect.stringMatching(new RegExp(`^gone: pid ${victims[0]!.pid} .*; still there: pid ${victims[1]!.pid} `)),
    });
  });

  it('never reaches a superuser unless allowed, nor its own session, and keeps to its cap', async () => {
    const { victims } = await scene();
    const capped = settings({ maxSessions: 1 });
    const plan = await pgTerminateIdle.plan(capped, ctx);
    expect(plan.change.sessions).toHaveLength(1);
    const everyone = await pgTerminateIdle.plan(settings({ maxSessions: 10 }), ctx);
    expect((everyone.change.sessions as { user: string }[]).map((c) => c.user).sort()).toEqual(['app', 'app', 'app', 'reporting']);
    const withSuper = await pgTerminateIdle.plan(settings({ maxSessions: 10, allowSuperusers: true }), ctx);
    expect((withSuper.change.sessions as { user: string }[]).filter((c) => c.user === 'postgres')).toHaveLength(1); // the scene's, not the cluster.admin's (not in a transaction)
    expect(victims).toHaveLength(2);
  });

  it('spares a planned session that finished its transaction before the action', async () => {
    const { victims } = await scene();
    const s = settings({ users: ['app'], applications: ['billing-worker'] });
    const plan = await pgTerminateIdle.plan(s, ctx);
    await victims[0]!.client.query('COMMIT');
    const result = await pgTerminateIdle.execute(s, plan, ctx);
    expect(result).toMatch(new RegExp(`^terminated pid ${victims[1]!.pid} \\(app/billing-worker, \\d+ s\\)$`));
    expect(await alive(victims[0]!)).toBe(true);
  });

  it('refuses to plan when nothing matches', async () => {
    await expect(pgTerminateIdle.plan(settings({ users: ['nobody'] }), ctx)).rejects.toThrow(
      /^no idle-in-transaction session older than [\d.e-]+ min matches; nothing to terminate$/,
    );
  });
});

describe('pg-cancel-long-queries', () => {
  const longSettings = (extra: object = {}) =>
    pgCancelLongQueries.settings.parse({
      target: `${cluster.db.host}:${cluster.db.port}/postgres`,
      user: cluster.db.user,
      password: { value: cluster.db.password },
      ssl: 'disable',
      olderThanMinutes: 0.001,
      graceSeconds: 5,
      ...extra,
    });

  it('cancels the long query and keeps its session; other sessions and short queries are untouched', async () => {
    const report = await open('app', 'report-job', false);
    const bystander = await open('reporting', 'dashboard', false);
    const running = report.client.query('SELECT pg_sleep(30)').then(
      () => 'finished',
      (err: Error) => err.message,
    );
    const other = bystander.client.query('SELECT pg_sleep(1.5)').then(
      () => 'finished',
      (err: Error) => err.message,
    );
    await until(
      async () =>
        (await cluster.admin.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'")).rows[0]
          .n === 2,
    );
    await new Promise((r) => setTimeout(r, 150));
    const s = longSettings({ users: ['app'] });
    const result = await pgCancelLongQueries.execute(s, await pgCancelLongQueries.plan(s, ctx), ctx);
    expect(result).toMatch(new RegExp(`^cancelled pid ${report.pid} \\(app/report-job, \\d+ s\\)$`));
    expect(await running).toBe('canceling statement due to user request');
    expect(await alive(report)).toBe(true);
    expect(await other).toBe('finished');
  });

  it('spares a session that moved on to a new query since the plan', async () => {
    const report = await open('app', 'report-job', false);
    const first = report.client.query('SELECT pg_sleep(0.4)').catch(() => undefined);
    await until(
      async () =>
        (await cluster.admin.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [report.pid])).rows[0].n === 1,
    );
    await new Promise((r) => setTimeout(r, 100));
    const s = longSettings({ users: ['app'] });
    const plan = await pgCancelLongQueries.plan(s, ctx);
    await first;
    const second = report.client.query('SELECT pg_sleep(0.5)').then(
      () => 'finished',
      (err: Error) => err.message,
    );
    await new Promise((r) => setTimeout(r, 150));
    expect(await pgCancelLongQueries.execute(s, plan, ctx)).toBe('none of the planned queries was still running; nothing cancelled');
    expect(await second).toBe('finished');
  });
});

describe('pg-terminate-blocker', () => {
  const blockerSettings = (extra: object = {}) =>
    pgTerminateBlocker.settings.parse({
      target: `${cluster.db.host}:${cluster.db.port}/postgres`,
      user: cluster.db.user,
      password: { value: cluster.db.password },
      ssl: 'disable',
      blockedSeconds: 0.001,
      ...extra,
    });

  it('is high risk: it rolls back work, so it needs approval unless allowed', () => {
    expect(pgTerminateBlocker.risk).toBe('high');
  });

  it('terminates only the root of a three-session chain, and the chain moves', async () => {
    await cluster.admin.client.query(
      'CREATE TABLE IF NOT EXISTS ledger (id int PRIMARY KEY, n int); INSERT INTO ledger VALUES (1, 0) ON CONFLICT DO NOTHING; GRANT ALL ON ledger TO app',
    );
    const root = await open('app', 'batch-import', false);
    const second = await open('app', 'orders-api', false);
    const third = await open('app', 'orders-api', false);
    const bystander = await open('app', 'orders-api', true);
    await root.client.query('BEGIN; UPDATE ledger SET n = n + 1 WHERE id = 1');
    const waits = [second, third].map((s) =>
      s.client.query('UPDATE ledger SET n = n + 1 WHERE id = 1').then(
        () => 'done',
        (e: Error) => e.message,
      ),
    );
    await until(
      async () => (await cluster.admin.client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).rows[0].n === 2,
    );
    await new Promise((r) => setTimeout(r, 50));
    const s = blockerSettings({ users: ['app'] });
    const plan = await pgTerminateBlocker.plan(s, ctx);
    expect((plan.change.sessions as { pid: number }[]).map((c) => c.pid)).toEqual([root.pid]);
    expect(await pgTerminateBlocker.execute(s, plan, ctx)).toMatch(new RegExp(`^terminated root blocker pid ${root.pid} \\(app/batch-import, \\d+ s\\)$`));
    expect(await Promise.all(waits)).toEqual(['done', 'done']);
    expect(await alive(root)).toBe(false);
    for (const s of [second, third, bystander]) expect(await alive(s)).toBe(true);
  });
});
