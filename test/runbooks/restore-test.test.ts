import { DeleteDBInstanceCommand, DescribeDBInstancesCommand, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { createRemediateHandler } from '../../functions/remediate/handler.js';
import { SdkRds } from '../../shared/aws/rds.js';
import { parseConfig } from '../../shared/config/load.js';
import { startLocalRuntime } from '../../app/local/runtime.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { minutesAfter } from '../support/findings.js';
import { localRunbookDeps } from '../support/runbook-deps.js';
import { closedAfterEach } from '../support/health-target.js';
import { useCluster } from '../support/postgres.js';
import { useRdsRestores } from '../support/rds-restores.js';

// A daily restore test as it runs: the act starts the restore, the run sleeps and looks again until the copy
// is available, the source's own check runs against the copy (here, a real PostgreSQL), and the copy is deleted.

const cluster = useCluster({}, async (admin) => {
  await admin.client.query('CREATE TABLE payments (id int PRIMARY KEY, amount numeric NOT NULL)');
  await admin.client.query('INSERT INTO payments VALUES (1, 120.50), (2, 9.99)');
});
const restores = useRdsRestores(() => ({ host: cluster.db.host, port: cluster.db.port }));
const keep = closedAfterEach();

const T = new Date('2026-12-05T04:00:00Z');
const due = { scheduledRunbook: 'daily-restore-test', at: T.toISOString() };
const scratch = 'vigil-restore-orders-db-202612050400';

async function setup(sql = 'SELECT id FROM payments WHERE amount < 0') {
  const config = parseConfig({
    checks: [
      {
        id: 'orders-db-integrity',
        kind: 'pg',
        // The source, which this test cannot reach: the restore test points the check at its copy instead.
        target: 'orders-db.internal.example.com:5432/postgres',
        user: cluster.db.user,
        password: { value: cluster.db.password },
        ssl: 'disable',
        measure: 'query',
        query: { name: 'payments with a negative amount', sql },
      },
    ],
    remediations: [
      {
        id: 'orders-db-restore-test',
        kind: 'rds-restore-test',
        source: 'orders-db',
        check: 'orders-db-integrity',
        costCeiling: { usdPerHour: 0.1, maxUsd: 0.5 },
        mode: 'auto',
      },
    ],
    runbooks: [{ id: 'daily-restore-test', match: { schedule: { expression: 'cron(0 4 * * ? *)' } }, steps: [{ act: 'orders-db-restore-test' }] }],
  });
  let now = T;
  const clock = { now: () => now };
  const sent: Notification[] = [];
  const wakes: string[] = [];
  const runtime = keep(await startLocalRuntime({ config, clock, log: silentLog, onNotification: (_topic, n) => sent.push(n), state: 'memory' }));
  const deps = localRunbookDeps(runtime, { config, clock, log: silentLog });
  const onAlarm = createOnAlarmHandler({
    ...deps,
    aws: { ...deps.aws, rds: new SdkRds({ region: 'eu-west-1' }) },
    waker: { wakeAt: async (_runId, at) => void wakes.push(at.toISOString()) },
  });
  const runId = `scheduled#daily-restore-test#${T.toISOString()}`;
  const remediate = createRemediateHandler({
    ...deps,
    aws: { ...deps.aws, rds: new SdkRds({ region: 'eu-west-1' }) },
    waker: { wakeAt: async (id, at) => void wakes.push(at.toISOString()) },
  });
  return {
    wakes,
    sent,
    byHand: () =>
      remediate({ remediation: 'orders-db-restore-test', dryRun: false, approvedBy: 'dana', reason: 'proving last night’s backup' }, { awsRequestId: 'r-1' }),
    wake: (id: string, minute: number) => ((now = minutesAfter(T, minute)), onAlarm({ wakeRun: id }) as Promise<RunbookResult>),
    start: () => onAlarm(due) as Promise<RunbookResult>,
    wakeAt: (minute: number) => ((now = minutesAfter(T, minute)), onAlarm({ wakeRun: runId }) as Promise<RunbookResult>),
  };
}

const outcomes = (r: RunbookResult) => r.steps.map((s) => `${s.step}: ${s.outcome}`);

describe('a restore test', () => {
  it('restores, looks again while the copy is created, tests it with the source’s check, tells both ends, and deletes the copy', async () => {
    const t = await setup();
    const first = await t.start();
    expect(outcomes(first)).toEqual(['act orders-db-restore-test: acted', 'follow orders-db-restore-test: in progress']);
    expect(first.waitingUntil).toBe('2026-12-05T04:10:00.000Z');
    expect(t.wakes).toEqual(['2026-12-05T04:10:00.000Z']);

    const still = await t.wakeAt(10);
    expect(still.steps.at(-1)!.detail).toBe(`${scratch} is creating, 10 min after the restore began; next look 2026-12-05T04:20:00.000Z`);

    restores.setStatus(scratch, 'available');
    const ended = await t.wakeAt(20);
    expect(ended.verdict).toBe('acted');
    expect(ended.waitingUntil).toBeUndefined();
    expect(ended.steps.at(-1)).toMatchObject({
      step: 'follow orders-db-restore-test',
      outcome: 'done',
      detail: expect.stringContaining(
        `restored to ${scratch}, available within 20 min (looked every 10); orders-db-integrity ok: payments with a negative amount: 0 rows`,
      ),
    });
    expect(restores.named(scratch)!.DBInstanceStatus).toBe('deleting');
    // Both ends reach a person: the restore begun, and how the test went.
    expect(t.sent.map((n) => n.subject)).toEqual([
      expect.stringMatching(/^\[ACTION TAKEN\] rds-restore:orders-db: restore of rds:orders-db-2026-12-05-03-10 to vigil-restore/),
      expect.stringMatching(/^\[ACTION TAKEN\] rds-restore:orders-db: restore test passed: snapshot rds:orders-db/),
    ]);
    expect(t.sent.map((n) => n.body).join('\n')).not.toContain(cluster.db.password);

    // A late wake-up replays the result: nothing is restored, tested or deleted twice.
    await t.wakeAt(30);
    expect(restores.rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(1);
    expect(restores.rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
  });

  it('run by hand, answers that the restore has begun and when it is looked at, then goes on in on-alarm and tells its end', async () => {
    const t = await setup();
    const answer = await t.byHand();
    expect(answer).toMatchObject({
      remediation: 'orders-db-restore-test',
      outcome: 'acted',
      following: expect.stringContaining(`${scratch} is creating, 0 min after the restore began`),
      waitingUntil: '2026-12-05T04:10:00.000Z',
    });
    restores.setStatus(scratch, 'available');
    const ended = await t.wake('manual#r-1', 10);
    expect(ended.steps.at(-1)).toMatchObject({ step: 'follow orders-db-restore-test', outcome: 'done' });
    expect(t.sent.map((n) => n.subject)).toEqual([
      expect.stringMatching(/^\[ACTION TAKEN\] rds-restore:orders-db: restore of rds:orders-db-2026-12-05-03-10 to /),
      expect.stringMatching(/^\[ACTION TAKEN\] rds-restore:orders-db: restore test passed: /),
    ]);
    expect(t.sent[1]!.body).toContain('dana ran orders-db-restore-test by hand, for no incident.');
    expect(t.sent[1]!.body).toContain('Why:       proving last night’s backup');
    expect(restores.named(scratch)!.DBInstanceStatus).toBe('deleting');
  });

  it('hands a failed test over to a person, with what the check found, and deletes the copy', async () => {
    const t = await setup('SELECT id FROM payments WHERE amount > 100');
    await t.start();
    restores.setStatus(scratch, 'available');
    const ended = await t.wakeAt(10);
    expect(ended.verdict).toBe('escalated');
    expect(t.sent.map((n) => n.subject)).toEqual([
      expect.stringContaining('[ACTION TAKEN]'),
      expect.stringContaining('restore test failed'),
      expect.stringContaining('[NEEDS A HUMAN]'),
    ]);
    expect(t.sent[2]!.body).toContain('orders-db-integrity fail: payments with a negative amount: 1 row');
    expect(restores.named(scratch)!.DBInstanceStatus).toBe('deleting');
  });

  it('asks a person to look when it cannot tell how the restore stands three times in a row', async () => {
    const t = await setup();
    await t.start();
    restores.rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: scratch }).rejects(new Error('socket hang up'));
    expect((await t.wakeAt(10)).steps.at(-1)!.outcome).toBe('in progress');
    expect((await t.wakeAt(15)).steps.at(-1)!.outcome).toBe('in progress');
    const handed = await t.wakeAt(20);
    expect(handed.verdict).toBe('escalated');
    expect(t.sent.at(-1)!.subject).toContain('[NEEDS A HUMAN]');
    expect(t.sent.at(-1)!.body).toContain(`3 times in a row: look at rds-restore:orders-db`);
  });
});
