import {
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribePendingMaintenanceActionsCommand,
  RDSClient,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { SdkRds } from '../../shared/aws/rds.js';
import { fixedClock, runOne } from '../support/checks.js';

const rds = mockClient(RDSClient);
const aws = { rds: new SdkRds({ region: 'eu-west-1' }) } as unknown as AwsPorts;
const NOW = new Date('2026-11-23T09:00:00Z');
const run = (extra: object = {}, ports = aws) => runOne({ kind: 'rds', target: 'orders-db', ...extra } as never, { aws: ports, clock: fixedClock(NOW) });

// Shapes as the RDS API reference documents DescribeDBInstances and DescribeDBClusters.
const instance = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: 'orders-db',
  DBInstanceArn: 'arn:aws:rds:eu-west-1:123456789012:db:orders-db',
  DBInstanceClass: 'db.r6g.large',
  Engine: 'postgres',
  EngineVersion: '15.8',
  DBInstanceStatus: 'available',
  AllocatedStorage: 200,
  MaxAllocatedStorage: 1000,
  MultiAZ: true,
  AvailabilityZone: 'eu-west-1a',
  BackupRetentionPeriod: 7,
  LatestRestorableTime: new Date('2026-11-23T08:56:00Z'),
  ...over,
});
const member = (id: string, status = 'available'): DBInstance => ({
  ...instance({ DBInstanceIdentifier: id, DBInstanceStatus: status, Engine: 'aurora-postgresql', DBClusterIdentifier: 'orders-aurora' }),
  AllocatedStorage: 1,
  MaxAllocatedStorage: undefined,
});
const aurora = (status = 'available', writer = 'orders-aurora-1') => ({
  DBClusters: [
    {
      DBClusterIdentifier: 'orders-aurora',
      Status: status,
      Engine: 'aurora-postgresql',
      LatestRestorableTime: new Date('2026-11-23T08:57:00Z'),
      DBClusterMembers: ['orders-aurora-1', 'orders-aurora-2'].map((id) => ({ DBInstanceIdentifier: id, IsClusterWriter: id === writer, PromotionTier: 1 })),
    },
  ],
});

beforeEach(() => {
  rds.reset();
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
  rds.on(DescribePendingMaintenanceActionsCommand).resolves({ PendingMaintenanceActions: [] });
});

describe('rds probe: an instance', () => {
  it('passes an available instance, naming its class', async () => {
    expect(await run()).toMatchObject({
      status: 'ok',
      summary: 'orders-db available (db.r6g.large)',
      observed: { instances: 1, instancesAvailable: 1, pendingMaintenance: 0 },
    });
    expect(rds.commandCalls(DescribePendingMaintenanceActionsCommand)[0]!.args[0].input).toMatchObject({
      Filters: [{ Name: 'db-instance-id', Values: ['orders-db'] }],
    });
  });

  it.each([
    ['storage full', { DBInstanceStatus: 'storage-full' }, 'fail', 'orders-db is storage-full'],
    ['stopped', { DBInstanceStatus: 'stopped' }, 'fail', 'orders-db is stopped'],
    ['a modification in progress', { DBInstanceStatus: 'modifying' }, 'warn', 'orders-db is modifying'],
    ['storage autoscaling near its ceiling', { AllocatedStorage: 950 }, 'warn', 'orders-db storage autoscaling at 950 of 1000 GiB (95%)'],
  ])('%s', async (_, over, status, summary) => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance(over)] });
    expect(await run()).toMatchObject({ status, summary });
  });

  it('warns of maintenance applied without asking within a week, across pages, and lists the rest as evidence', async () => {
    const arn = 'arn:aws:rds:eu-west-1:123456789012:db:orders-db';
    rds
      .on(DescribePendingMaintenanceActionsCommand)
      .resolvesOnce({
        PendingMaintenanceActions: [
          {
            ResourceIdentifier: arn,
            PendingMaintenanceActionDetails: [
              { Action: 'db-upgrade', Description: 'Upgrade to 15.10', AutoAppliedAfterDate: new Date('2027-02-01T00:00:00Z') },
            ],
          },
        ],
        Marker: 'p2',
      })
      .resolvesOnce({
        PendingMaintenanceActions: [
          {
            ResourceIdentifier: arn,
            PendingMaintenanceActionDetails: [
              { Action: 'system-update', ForcedApplyDate: new Date('2026-11-26T03:00:00Z'), CurrentApplyDate: new Date('2026-11-25T03:00:00Z') },
            ],
          },
        ],
      });
    const finding = await run();
    expect(finding).toMatchObject({ status: 'warn', summary: 'system-update on orders-db applies 2026-11-25', observed: { pendingMaintenance: 2 } });
    expect(finding.evidence?.maintenance).toEqual([
      { resource: 'orders-db', action: 'db-upgrade', appliesAt: '2027-02-01T00:00:00.000Z', description: 'Upgrade to 15.10' },
      { resource: 'orders-db', action: 'system-update', appliesAt: '2026-11-25T03:00:00.000Z' },
    ]);
  });

  it('is an error, saying which identifier, when RDS does not know it', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'DBInstance orders-dbx not found.', $metadata: {} }));
    expect(await run({ target: 'orders-dbx' })).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('RDS instance orders-dbx not found: check the identifier and the region'),
    });
  });
});

describe('rds probe: an Aurora cluster', () => {
  beforeEach(() => {
    rds.on(DescribeDBClustersCommand).resolves(aurora());
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [member('orders-aurora-1'), member('orders-aurora-2')] });
  });

  it('passes with its writer and readers available', async () => {
    expect(await run({ target: 'orders-aurora', scope: 'cluster' })).toMatchObject({
      status: 'ok',
      summary: 'orders-aurora available, 2 instances available, writer orders-aurora-1',
    });
    expect(rds.commandCalls(DescribePendingMaintenanceActionsCommand).map((c) => c.args[0].input.Filters)).toEqual([
      [{ Name: 'db-cluster-id', Values: ['orders-aurora'] }],
      [{ Name: 'db-instance-id', Values: ['orders-aurora-1', 'orders-aurora-2'] }],
    ]);
  });

  it.each([
    [
      'no writer',
      aurora('available', 'none'),
      [member('orders-aurora-1'), member('orders-aurora-2')],
      'fail',
      'orders-aurora has no writer instance (available)',
    ],
    ['the writer failed', aurora(), [member('orders-aurora-1', 'failed'), member('orders-aurora-2')], 'fail', 'writer orders-aurora-1 is failed'],
    ['a reader rebooting', aurora(), [member('orders-aurora-1'), member('orders-aurora-2', 'rebooting')], 'warn', 'orders-aurora-2 is rebooting'],
    ['failing over', aurora('failing-over'), [member('orders-aurora-1'), member('orders-aurora-2')], 'warn', 'orders-aurora is failing-over'],
  ])('%s', async (_, c, members, status, summary) => {
    rds.on(DescribeDBClustersCommand).resolves(c);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: members });
    expect(await run({ target: 'orders-aurora', scope: 'cluster' })).toMatchObject({ status, summary });
  });

  it('reads members across pages', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [member('orders-aurora-1')], Marker: 'm2' })
      .resolvesOnce({ DBInstances: [member('orders-aurora-2', 'rebooting')] });
    expect(await run({ target: 'orders-aurora', scope: 'cluster' })).toMatchObject({ status: 'warn', observed: { instances: 2, instancesAvailable: 1 } });
  });
});

describe('rds probe: backups', () => {
  const snapshot = (at: string, status = 'available') => ({
    DBSnapshotIdentifier: `rds:orders-db-${at.slice(0, 10)}-03-10`,
    DBInstanceIdentifier: 'orders-db',
    SnapshotCreateTime: new Date(at),
    Status: status,
    SnapshotType: 'automated',
  });

  it('passes a recent restorable time and a snapshot from last night, newest across pages', async () => {
    rds
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({ DBSnapshots: [snapshot('2026-11-22T03:10:00Z')], Marker: 'p2' })
      .resolvesOnce({ DBSnapshots: [snapshot('2026-11-23T03:10:00Z')] });
    expect(await run({ measure: 'backup' })).toMatchObject({
      status: 'ok',
      summary: 'restorable to 4 min ago; newest automated snapshot rds:orders-db-2026-11-23-03-10 is 5.8 h old',
      observed: { restoreLagMinutes: 4, backupAgeHours: 5.8 },
    });
    expect(rds.commandCalls(DescribeDBSnapshotsCommand)[0]!.args[0].input).toMatchObject({ DBInstanceIdentifier: 'orders-db', SnapshotType: 'automated' });
  });

  it('fails a stale snapshot, a stale restorable time, and backups turned off', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot('2026-11-21T03:10:00Z')] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ LatestRestorableTime: new Date('2026-11-23T07:00:00Z') })] });
    expect(await run({ measure: 'backup' })).toMatchObject({
      status: 'fail',
      summary: 'latest restorable time is 120 min old (limit 15 min); newest automated snapshot rds:orders-db-2026-11-21-03-10 is 53.8 h old (limit 26 h)',
    });
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ LatestRestorableTime: undefined, BackupRetentionPeriod: 0 })] });
    expect(await run({ measure: 'backup' })).toMatchObject({ status: 'fail', summary: 'orders-db has no automated backups (is the retention period 0?)' });
  });
});
