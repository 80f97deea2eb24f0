import { DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand, DescribeDBInstancesCommand, DocDBClient } from '@aws-sdk/client-docdb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkDocdb } from '../../shared/aws/docdb.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { fixedClock, runOne } from '../support/checks.js';
import { cluster, instances } from '../support/docdb-fixtures.js';

const docdb = mockClient(DocDBClient);
const aws = { docdb: new SdkDocdb({ region: 'eu-west-1' }) } as unknown as AwsPorts;
const NOW = new Date('2026-11-23T09:00:00Z');
const run = (extra: object = {}) => runOne({ kind: 'docdb-cluster', target: 'orders-docdb', ...extra } as never, { aws, clock: fixedClock(NOW) });

beforeEach(() => {
  docdb.reset();
  docdb.on(DescribeDBClustersCommand).resolves(cluster());
  docdb.on(DescribeDBInstancesCommand).resolves(instances());
});

const snapshot = (id: string, at: string, status = 'available') => ({
  DBClusterSnapshotIdentifier: id,
  DBClusterIdentifier: 'orders-docdb',
  SnapshotCreateTime: new Date(at),
  Engine: 'docdb',
  Status: status,
  SnapshotType: 'automated',
  PercentProgress: 100,
  StorageEncrypted: true,
});

describe('docdb-cluster probe', () => {
  it('passes an available cluster with its writer and replicas', async () => {
    expect(await run()).toMatchObject({
      status: 'ok',
      summary: 'orders-docdb available, 3 instances available, writer orders-docdb-1',
      observed: { instances: 3, instancesAvailable: 3 },
    });
    expect(docdb.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({ Filters: [{ Name: 'db-cluster-id', Values: ['orders-docdb'] }] });
  });

  it.each([
    ['a replica rebooting', cluster(), instances({ 'orders-docdb-3': 'rebooting' }), 'warn', 'orders-docdb is available; orders-docdb-3 rebooting'],
    ['a failover in progress', cluster('failing-over'), instances(), 'warn', 'orders-docdb is failing-over; all instances available'],
    ['the writer failed', cluster(), instances({ 'orders-docdb-1': 'failed' }), 'fail', 'writer orders-docdb-1 is failed'],
    ['the cluster lost its key', cluster('inaccessible-encryption-credentials'), instances(), 'fail', 'orders-docdb is inaccessible-encryption-credentials'],
    ['no writer', cluster('available', 'none'), instances(), 'fail', 'orders-docdb has no writer instance (available)'],
  ])('%s', async (_, c, i, status, summary) => {
    docdb.on(DescribeDBClustersCommand).resolves(c);
    docdb.on(DescribeDBInstancesCommand).resolves(i);
    expect(await run()).toMatchObject({ status, summary });
  });

  it('fails a cluster AWS does not know, saying so', async () => {
    docdb.on(DescribeDBClustersCommand).rejects(Object.assign(new Error('DBCluster orders-docdb not found.'), { name: 'DBClusterNotFoundFault' }));
    expect((await run()).status).toBe('error');
  });

  it('checks backup freshness against the newest automated snapshot, across pages', async () => {
    docdb
      .on(DescribeDBClusterSnapshotsCommand)
      .resolvesOnce({ DBClusterSnapshots: [snapshot('rds:orders-docdb-2026-11-21-00-05', '2026-11-21T00:05:00Z')], Marker: 'page-2' })
      .resolvesOnce({ DBClusterSnapshots: [snapshot('rds:orders-docdb-2026-11-23-00-05', '2026-11-23T00:05:00Z')] });
    expect(await run({ measure: 'backup' })).toMatchObject({
      status: 'ok',
      summary: 'newest automated snapshot rds:orders-docdb-2026-11-23-00-05 is 8.9 h old (available; limit 26 h)',
      observed: { backupAgeHours: 8.9 },
    });
    expect(docdb.commandCalls(DescribeDBClusterSnapshotsCommand)[0]!.args[0].input).toMatchObject({
      DBClusterIdentifier: 'orders-docdb',
      SnapshotType: 'automated',
    });
  });

  it('fails when the newest backup is older than a day and two hours, or missing', async () => {
    docdb.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [snapshot('rds:orders-docdb-2026-11-22-00-05', '2026-11-22T00:05:00Z')] });
    expect(await run({ measure: 'backup' })).toMatchObject({ status: 'fail', observed: { backupAgeHours: 32.9 } });
    docdb.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    expect(await run({ measure: 'backup' })).toMatchObject({ status: 'fail', summary: 'orders-docdb has no automated snapshot' });
  });
});
