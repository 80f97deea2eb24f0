import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DBSnapshotNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  RDSClient,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { SdkRds } from '../../shared/aws/rds.js';
import { rdsFailover } from '../../shared/remediations/rds-failover.js';
import { rdsReboot } from '../../shared/remediations/rds-reboot.js';
import { rdsSnapshot } from '../../shared/remediations/rds-snapshot.js';
import { systemClock } from '../../shared/clock.js';
import { fixedClock } from '../support/checks.js';

const rds = mockClient(RDSClient);
const ctx = { aws: { rds: new SdkRds({ region: 'eu-west-1' }) } as unknown as AwsPorts, clock: systemClock };
const instance = (status = 'available') => ({
  DBInstances: [{ DBInstanceIdentifier: 'orders-db', DBInstanceClass: 'db.r6g.large', Engine: 'postgres', DBInstanceStatus: status, MultiAZ: true }],
});
const aurora = (status = 'available', writer = 'orders-aurora-1') => ({
  DBClusters: [
    {
      DBClusterIdentifier: 'orders-aurora',
      Status: status,
      Engine: 'aurora-postgresql',
      DBClusterMembers: ['orders-aurora-1', 'orders-aurora-2'].map((id) => ({ DBInstanceIdentifier: id, IsClusterWriter: id === writer })),
    },
  ],
});

beforeEach(() => {
  rds.reset();
  rds.on(DescribeDBInstancesCommand).resolves(instance());
  rds.on(DescribeDBInstancesCommand, { Filters: [{ Name: 'db-cluster-id', Values: ['orders-aurora'] }] }).resolves({
    DBInstances: ['orders-aurora-1', 'orders-aurora-2'].map((id) => ({
      DBInstanceIdentifier: id,
      DBInstanceStatus: 'available',
      Engine: 'aurora-postgresql',
      DBClusterIdentifier: 'orders-aurora',
    })),
  });
  rds.on(DescribeDBClustersCommand).resolves(aurora());
  rds
    .on(CreateDBSnapshotCommand)
    .callsFake((input) => ({ DBSnapshot: { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: 'creating', SnapshotType: 'manual' } }));
  rds.on(CreateDBClusterSnapshotCommand).callsFake((input) => ({
    DBClusterSnapshot: { DBClusterSnapshotIdentifier: input.DBClusterSnapshotIdentifier, Status: 'creating', SnapshotType: 'manual' },
  }));
  rds.on(RebootDBInstanceCommand).resolves({ DBInstance: instance('rebooting').DBInstances[0] });
  rds.on(DescribeEventsCommand).resolves({ Events: [] });
});

describe('rds-snapshot', () => {
  it("snapshots an instance, tagged as Vigil's, named by the minute on the clock it is given", async () => {
    const settings = rdsSnapshot.settings.parse({ target: 'orders-db' });
    const plan = await rdsSnapshot.plan(settings, { ...ctx, clock: fixedClock(new Date('2026-12-04T03:07:59Z')) });
    expect(plan.summary).toBe('create instance snapshot vigil-orders-db-202612040307 of orders-db');
    expect(await rdsSnapshot.execute(settings, plan, ctx)).toBe('snapshot vigil-orders-db-202612040307 of orders-db creating');
    expect(rds.commandCalls(CreateDBSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBInstanceIdentifier: 'orders-db',
      Tags: [{ Key: 'created-by', Value: 'vigil' }],
    });
  });

  it('snapshots an Aurora cluster', async () => {
    const settings = rdsSnapshot.settings.parse({ target: 'orders-aurora', scope: 'cluster' });
    await rdsSnapshot.execute(settings, await rdsSnapshot.plan(settings, ctx), ctx);
    expect(rds.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input).toMatchObject({ DBClusterIdentifier: 'orders-aurora' });
    expect(rds.commandCalls(CreateDBSnapshotCommand)).toHaveLength(0);
  });

  it('reads back a snapshot whose answer was lost by its planned name', async () => {
    const settings = rdsSnapshot.settings.parse({ target: 'orders-db' });
    const plan = await rdsSnapshot.plan(settings, ctx);
    const id = plan.change.snapshotId;
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: id })
      .rejects(new DBSnapshotNotFoundFault({ message: `DBSnapshot ${id} not found.`, $metadata: {} }));
    expect(await rdsSnapshot.reconcile(settings, plan, ctx)).toEqual({ applied: 'no', detail: `no snapshot ${id} of orders-db` });
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: id }).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: id, Status: 'creating' }] });
    expect(await rdsSnapshot.reconcile(settings, plan, ctx)).toEqual({ applied: 'yes', detail: `snapshot ${id} of orders-db creating` });
  });

  it('refuses while the instance is not available', async () => {
    rds.on(DescribeDBInstancesCommand).resolves(instance('backing-up'));
    await expect(rdsSnapshot.plan(rdsSnapshot.settings.parse({ target: 'orders-db' }), ctx)).rejects.toThrow(
      'orders-db is backing-up; a snapshot needs it available',
    );
  });
});

describe('rds-reboot', () => {
  const settings = rdsReboot.settings.parse({ target: 'orders-db', forceFailover: true });

  it('is high risk, and reboots with failover to the standby when asked', async () => {
    expect(rdsReboot.risk).toBe('high');
    const plan = await rdsReboot.plan(settings, ctx);
    expect(plan.summary).toBe('reboot orders-db with failover to its standby');
    expect(await rdsReboot.execute(settings, plan, ctx)).toBe('reboot of orders-db started');
    expect(rds.commandCalls(RebootDBInstanceCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'orders-db', ForceFailover: true });
  });

  it('refuses when the instance left available since the plan', async () => {
    const plan = await rdsReboot.plan(settings, ctx);
    rds.on(DescribeDBInstancesCommand).resolves(instance('modifying'));
    await expect(rdsReboot.execute(settings, plan, ctx)).rejects.toThrow('orders-db is now modifying, not available as planned');
    expect(rds.commandCalls(RebootDBInstanceCommand)).toHaveLength(0);
  });

  it('reads back a reboot whose answer was lost: rebooting, or restarted since the plan, or not rebooted', async () => {
    const plan = await rdsReboot.plan(settings, { ...ctx, clock: fixedClock(new Date('2026-11-23T03:00:00Z')) });
    rds.on(DescribeDBInstancesCommand).resolves(instance('rebooting'));
    expect(await rdsReboot.reconcile(settings, plan, ctx)).toEqual({ applied: 'yes', detail: 'orders-db is rebooting' });
    rds.on(DescribeDBInstancesCommand).resolves(instance());
    rds.on(DescribeEventsCommand).resolves({
      Events: [
        {
          SourceIdentifier: 'orders-db',
          SourceType: 'db-instance',
          Message: 'DB instance restarted',
          Date: new Date('2026-11-23T03:00:05Z'),
          EventCategories: ['availability'],
        },
      ],
    });
    expect((await rdsReboot.reconcile(settings, plan, ctx)).applied).toBe('yes');
    expect(rds.commandCalls(DescribeEventsCommand)[0]!.args[0].input).toMatchObject({
      SourceType: 'db-instance',
      SourceIdentifier: 'orders-db',
      StartTime: new Date('2026-11-23T03:00:00Z'),
    });
    rds.on(DescribeEventsCommand).resolves({ Events: [{ SourceIdentifier: 'orders-db', Message: 'Finished DB Instance backup', Date: new Date() }] });
    expect(await rdsReboot.reconcile(settings, plan, ctx)).toEqual({ applied: 'no', detail: 'orders-db is available with no reboot event since the plan' });
  });
});

describe('rds-failover', () => {
  const settings = rdsFailover.settings.parse({ target: 'orders-aurora' });

  it('fails an Aurora cluster over to its available reader', async () => {
    expect(rdsFailover.risk).toBe('high');
    expect(rdsFailover.targetKey(settings)).toBe('rds:orders-aurora');
    const plan = await rdsFailover.plan(settings, ctx);
    expect(plan.summary).toBe('fail orders-aurora over from orders-aurora-1 to orders-aurora-2');
    await rdsFailover.execute(settings, plan, ctx);
    expect(rds.commandCalls(FailoverDBClusterCommand)[0]!.args[0].input).toEqual({
      DBClusterIdentifier: 'orders-aurora',
      TargetDBInstanceIdentifier: 'orders-aurora-2',
    });
  });

  it('refuses when the writer changed since the plan', async () => {
    const plan = await rdsFailover.plan(settings, ctx);
    rds.on(DescribeDBClustersCommand).resolves(aurora('available', 'orders-aurora-2'));
    await expect(rdsFailover.execute(settings, plan, ctx)).rejects.toThrow(
      'the writer of orders-aurora is now orders-aurora-2, not orders-aurora-1 as planned',
    );
  });
});
