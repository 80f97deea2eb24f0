import {
  CreateDBClusterSnapshotCommand,
  DBClusterSnapshotNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DocDBClient,
  FailoverDBClusterCommand,
} from '@aws-sdk/client-docdb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkDocdb } from '../../shared/aws/docdb.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { docdbFailover } from '../../shared/remediations/docdb-failover.js';
import { docdbSnapshot } from '../../shared/remediations/docdb-snapshot.js';
import { cluster, instances } from '../support/docdb-fixtures.js';
import { systemClock } from '../../shared/clock.js';

const docdb = mockClient(DocDBClient);
const ctx = { aws: { docdb: new SdkDocdb({ region: 'eu-west-1' }) } as unknown as AwsPorts, clock: systemClock };

beforeEach(() => {
  docdb.reset();
  docdb.on(DescribeDBClustersCommand).resolves(cluster());
  docdb.on(DescribeDBInstancesCommand).resolves(instances());
  docdb.on(CreateDBClusterSnapshotCommand).callsFake((input) => ({
    DBClusterSnapshot: { DBClusterSnapshotIdentifier: input.DBClusterSnapshotIdentifier, Status: 'creating', SnapshotType: 'manual' },
  }));
  docdb.on(FailoverDBClusterCommand).resolves({ DBCluster: cluster('failing-over').DBClusters![0] });
});

describe('docdb-snapshot', () => {
  const settings = docdbSnapshot.settings.parse({ target: 'orders-docdb' });

  it("creates a manual snapshot tagged as Vigil's", async () => {
    const plan = await docdbSnapshot.plan(settings, ctx);
    expect(plan.summary).toMatch(/^create snapshot vigil-orders-docdb-\d{12} of orders-docdb$/);
    expect(await docdbSnapshot.execute(settings, plan, ctx)).toMatch(/^snapshot vigil-orders-docdb-\d{12} of orders-docdb creating$/);
    expect(docdb.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBClusterIdentifier: 'orders-docdb',
      Tags: [{ Key: 'created-by', Value: 'vigil' }],
    });
  });

  it('reads back a snapshot whose answer was lost by its planned name', async () => {
    const plan = await docdbSnapshot.plan(settings, ctx);
    const id = plan.change.snapshotId as string;
    docdb
      .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: id })
      .rejects(new DBClusterSnapshotNotFoundFault({ message: `DBClusterSnapshot ${id} not found.`, $metadata: {} }));
    expect(await docdbSnapshot.reconcile(settings, plan, ctx)).toEqual({ applied: 'no', detail: `no snapshot ${id} of orders-docdb` });
    docdb
      .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: id })
      .resolves({ DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: id, Status: 'creating', SnapshotType: 'manual' }] });
    expect(await docdbSnapshot.reconcile(settings, plan, ctx)).toEqual({ applied: 'yes', detail: `snapshot ${id} of orders-docdb creating` });
  });

  it('refuses while the cluster is not available', async () => {
    docdb.on(DescribeDBClustersCommand).resolves(cluster('backing-up'));
    await expect(docdbSnapshot.plan(settings, ctx)).rejects.toThrow('orders-docdb is backing-up; a snapshot needs it available');
  });
});

describe('docdb-failover', () => {
  it('is high risk', () => expect(docdbFailover.risk).toBe('high'));

  it('fails over to the preferred available replica', async () => {
    const settings = docdbFailover.settings.parse({ target: 'orders-docdb', preferredInstance: 'orders-docdb-3' });
    const plan = await docdbFailover.plan(settings, ctx);
    expect(plan.summary).toBe('fail orders-docdb over from orders-docdb-1 to orders-docdb-3');
    await docdbFailover.execute(settings, plan, ctx);
    expect(docdb.commandCalls(FailoverDBClusterCommand)[0]!.args[0].input).toEqual({
      DBClusterIdentifier: 'orders-docdb',
      TargetDBInstanceIdentifier: 'orders-docdb-3',
    });
  });

  it.each([
    ['failing-over', 'orders-docdb-1', 'yes'],
    ['available', 'orders-docdb-3', 'yes'],
    ['available', 'orders-docdb-1', 'no'],
    ['available', 'orders-docdb-2', 'unknown'],
  ] as const)('reads back a failover whose answer was lost (cluster %s, writer %s): %s', async (status, writer, applied) => {
    const settings = docdbFailover.settings.parse({ target: 'orders-docdb', preferredInstance: 'orders-docdb-3' });
    const plan = await docdbFailover.plan(settings, ctx);
    docdb.on(DescribeDBClustersCommand).resolves(cluster(status, writer));
    expect((await docdbFailover.reconcile(settings, plan, ctx)).applied).toBe(applied);
  });

  it('refuses without an available replica, and when the writer changed since the plan', async () => {
    const settings = docdbFailover.settings.parse({ target: 'orders-docdb' });
    docdb.on(DescribeDBInstancesCommand).resolves(instances({ 'orders-docdb-2': 'rebooting', 'orders-docdb-3': 'failed' }));
    await expect(docdbFailover.plan(settings, ctx)).rejects.toThrow('orders-docdb has no available replica to fail over to');
    docdb.on(DescribeDBInstancesCommand).resolves(instances());
    const plan = await docdbFailover.plan(settings, ctx);
    docdb.on(DescribeDBClustersCommand).resolves(cluster('available', 'orders-docdb-2'));
    await expect(docdbFailover.execute(settings, plan, ctx)).rejects.toThrow('the writer of orders-docdb is now orders-docdb-2, not orders-docdb-1 as planned');
    expect(docdb.commandCalls(FailoverDBClusterCommand)).toHaveLength(0);
  });
});
