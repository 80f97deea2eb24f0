import { describe, expect, it } from 'vitest';
import { runOne, type TestCheck } from '../support/checks.js';
import { pgCheck, until, useCluster } from '../support/postgres.js';

const cluster = useCluster({ preload: ['pg_stat_statements'], maxConnections: 30 });
const open = (application = 'orders-api') => cluster.open({ application });
const check = (measure: string, extra: Record<string, unknown> = {}) => runOne(pgCheck(cluster.db, measure, extra) as TestCheck);
const stateOf = async (pid: number) => (await cluster.admin.client.query('SELECT state, wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0];

describe('pg probe', () => {
  it('connects and times SELECT 1; a wrong port fails with a plain reason', async () => {
    const ok = await check('connectivity');
    expect(ok).toMatchObject({ status: 'ok', target: `127.0.0.1:${cluster.db.port}/postgres`, summary: expect.stringMatching(/^SELECT 1 in \d+ ms$/) });
    const down = await runOne({ ...pgCheck(cluster.db, 'connectivity'), target: '127.0.0.1:1/postgres' } as TestCheck);
    expect(down).toMatchObject({ status: 'fail', summary: 'cannot connect: connection refused (ECONNREFUSED)' });
  });

  it('reports connection saturation near max_connections, broken down by state, user and application', async () => {
    expect((await check('connections')).status).toBe('ok');
    // 30 max: the cluster.admin session, the probe's own, and 26 held by "flood" are 28 (93%).
    for (let i = 0; i < 26; i++) await open('flood');
    const saturated = await check('connections');
    expect(saturated).toMatchObject({ status: 'fail', summary: '28 of 30 connections in use (93.3%)' });
    expect(saturated.evidence).toMatchObject({
      byApplication: expect.objectContaining({ flood: 26, 'test-admin': 1, vigil: 1 }),
      byState: expect.objectContaining({ idle: expect.any(Number) }),
      byUser: { postgres: expect.any(Number) },
    });
  });

  it('finds a session idle in a transaction past the limit, with its evidence, and passes once it is gone', async () => {
    const leaked = await open('billing-worker');
    await leaked.client.query("BEGIN; SELECT count(*) FROM pg_class WHERE relname = 'customer-secret-name'");
    await until(async () => (await stateOf(leaked.pid))?.state === 'idle in transaction');
    const found = await check('idle-in-transaction', { thresholds: { olderThanMinutes: 0.0001 } });
    expect(found).toMatchObject({ status: 'fail', summary: expect.stringContaining(`pid ${leaked.pid}, postgres/billing-worker`) });
    const evidence = (found.evidence as { sessions: Record<string, unknown>[] }).sessions;
    expect(evidence).toEqual([
      expect.objectContaining({
        pid: leaked.pid,
        application: 'billing-worker',
        state: 'idle in transaction',
        query: "BEGIN; SELECT count(*) FROM pg_class WHERE relname = '?'",
      }),
    ]);
    await leaked.client.query('COMMIT');
    expect((await check('idle-in-transaction', { thresholds: { olderThanMinutes: 0.0001 } })).status).toBe('ok');
  });

  it('finds a query running past the limit (pg_sleep), and passes when it ends', async () => {
    const slow = await open('report-job');
    const running = slow.client.query('SELECT pg_sleep(30)').catch(() => undefined);
    await until(async () => (await stateOf(slow.pid))?.state === 'active');
    await new Promise((r) => setTimeout(r, 200));
    const found = await check('long-queries', { thresholds: { olderThanMinutes: 0.001 } });
    expect(found).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`pid ${slow.pid}`),
      evidence: { queries: [expect.objectContaining({ pid: slow.pid, query: 'SELECT pg_sleep(?)' })] },
    });
    await cluster.admin.client.query('SELECT pg_cancel_backend($1)', [slow.pid]);
    await running;
    expect((await check('long-queries', { thresholds: { olderThanMinutes: 0.001 } })).status).toBe('ok');
  });

  it('traces a three-session lock chain to its root blocker', async () => {
    await cluster.admin.client.query(
      'CREATE TABLE IF NOT EXISTS accounts (id int PRIMARY KEY, balance int); INSERT INTO accounts VALUES (1, 100) ON CONFLICT DO NOTHING',
    );
    const root = await open('root-tx');
    const second = await open('second');
    const third = await open('third');
    await root.client.query('BEGIN; UPDATE accounts SET balance = balance - 1 WHERE id = 1');
    const w2 = second.client.query('UPDATE accounts SET balance = balance - 2 WHERE id = 1').catch(() => undefined);
    await until(async () => (await stateOf(second.pid))?.wait_event_type === 'Lock');
    const w3 = third.client.query('UPDATE accounts SET balance = balance - 3 WHERE id = 1').catch(() => undefined);
    await until(async () => (await stateOf(third.pid))?.wait_event_type === 'Lock');
    const found = await check('blocking', { thresholds: { blockedSeconds: 0.001 } });
    expect(found).toMatchObject({
      status: 'fail',
      observed: { blocked: 2, rootBlockers: 1 },
      summary: expect.stringContaining(`root blocker pid ${root.pid}`),
    });
    expect((found.evidence as { rootBlockers: { pid: number; application: string }[] }).rootBlockers).toEqual([
      expect.objectContaining({ pid: root.pid, application: 'root-tx' }),
    ]);
    await root.client.query('ROLLBACK');
    await Promise.all([w2, w3]);
    expect((await check('blocking', { thresholds: { blockedSeconds: 0.001 } })).status).toBe('ok');
  });

  it('reads the cache hit ratio and replication role', async () => {
    expect(await check('cache-hit')).toMatchObject({
      status: expect.stringMatching(/ok|warn|fail/),
      summary: expect.stringMatching(/^buffer cache hit ratio [\d.]+%$/),
    });
    expect(await check('replication')).toMatchObject({ status: 'ok', summary: 'primary with no replicas connected', observed: { replicas: 0 } });
  });

  it('lists slow statements from pg_stat_statements, and says plainly when the extension is missing (it cannot see: an error)', async () => {
    await cluster.admin.client.query('DROP EXTENSION IF EXISTS pg_stat_statements');
    expect(await check('slow-statements')).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/^setup error: pg_stat_statements is not installed/),
    });
    await cluster.admin.client.query('CREATE EXTENSION pg_stat_statements');
    await cluster.admin.client.query("SELECT pg_sleep(0.05), 'card 4111-1111' AS secret");
    const found = await check('slow-statements', { thresholds: { slowStatementMs: 20 } });
    expect(found.status).toBe('warn');
    const queries = (found.evidence as { statements: { query: string }[] }).statements.map((s) => s.query);
    expect(queries).toContain('SELECT pg_sleep($?), $? AS secret');
    // The card's text, not its digits alone: a random port may hold "4111".
    expect(JSON.stringify(found)).not.toContain('card 4111');
    expect(JSON.stringify(found.evidence)).not.toContain('4111-1111');
  });

  it('reports hygiene: unused indexes, the largest tables, and tables full of dead rows', async () => {
    await cluster.admin.client.query(`CREATE TABLE events (id int PRIMARY KEY, kind text, at timestamptz);
      CREATE INDEX events_kind ON events (kind);
      INSERT INTO events SELECT g, 'k' || (g % 5), now() FROM generate_series(1, 20000) g;
      DELETE FROM events WHERE id <= 15000;
      SELECT pg_stat_force_next_flush();`);
    const deadRows = async () =>
      Number((await cluster.admin.client.query("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'events'")).rows[0]?.n_dead_tup);
    await until(async () => (await deadRows()) >= 15000);
    const report = await check('hygiene');
    expect(report).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^1 unused index; 1 table over 20% dead rows; largest \w+ \(\d+ MB\)$/) });
    expect(report.evidence).toMatchObject({
      unusedIndexes: [expect.objectContaining({ index: 'events_kind' })],
      deadRows: [expect.objectContaining({ table: 'events', dead_rows: 15000, dead_percent: 75 })],
    });
    await cluster.admin.client.query('VACUUM events');
    await cluster.admin.client.query('SELECT pg_stat_force_next_flush()');
    await until(async () => (await deadRows()) === 0);
    expect((await check('hygiene')).status).toBe('ok');
  });
});
