import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DBClusterNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DocDBClient,
  ListTagsForResourceCommand,
  RestoreDBClusterFromSnapshotCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-docdb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { SdkDocdb } from '../../shared/aws/docdb.js';
import { docdbRestoreTest } from '../../shared/remediations/docdb-restore-test.js';
import type { CheckAt, Progress } from '../../shared/remediations/remediation.js';
import { undeclaredCalls } from '../support/declared-calls.js';

// kind 'docdb-restore-test': a DocumentDB cluster's newest snapshot as a copy with one instance, its mongo check run there, the copy deleted.

const docdb = mockClient(DocDBClient);
let now = new Date('2026-12-05T04:00:00Z');
const clock = { now: () => now };
let checked: { id: string; host: string; port: number }[] = [];
let finding = { status: 'ok', summary: 'loans with an impossible amount, rate or date: 0 documents' };
const checkAt: CheckAt = async (id, endpoint) => (checked.push({ id, ...endpoint }), finding);
const ctx = () => ({ aws: { docdb: new SdkDocdb({ region: 'eu-west-1' }) } as unknown as AwsPorts, clock, checkAt });
const input = { source: 'lendpeak-docdb', check: 'loans-integrity', costCeiling: { usdPerHour: 0.08, maxUsd: 1 } };
const settings = docdbRestoreTest.settings.parse(input);
const scratch = 'vigil-restore-lendpeak-docdb-202612050400';

/** DocumentDB as it keeps clusters, instances and tags (which its describe calls do not carry). */
let clusters: DBCluster[];
let instances: DBInstance[];
let tags: Map<string, { Key: string; Value: string }[]>;
const cluster = (id: string) => clusters.find((c) => c.DBClusterIdentifier === id);
const notFound = (id: string) => new DBClusterNotFoundFault({ message: `DBCluster ${id} not found.`, $metadata: { httpStatusCode: 404 } });

beforeEach(() => {
  now = new Date('2026-12-05T04:00:00Z');
  checked = [];
  finding = { status: 'ok', summary: 'loans with an impossible amount, rate or date: 0 documents' };
  clusters = [
    {
      DBClusterIdentifier: 'lendpeak-docdb',
      Status: 'available',
      Engine: 'docdb',
      DBSubnetGroup: 'private-db',
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0db' }],
    },
  ];
  instances = [];
  tags = new Map();
  docdb.reset();
  docdb.on(DescribeDBClustersCommand).callsFake((req) => {
    if (!req.DBClusterIdentifier) return { DBClusters: clusters };
    if (!cluster(req.DBClusterIdentifier)) throw notFound(req.DBClusterIdentifier);
    return { DBClusters: [cluster(req.DBClusterIdentifier)] };
  });
  docdb.on(DescribeDBInstancesCommand).callsFake((req) => ({ DBInstances: instances.filter((i) => i.DBClusterIdentifier === req.Filters?.[0]?.Values?.[0]) }));
  docdb.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'automated' }).resolves({
    DBClusterSnapshots: [
      { DBClusterSnapshotIdentifier: 'rds:lendpeak-docdb-2026-12-05-03-10', Status: 'available', SnapshotCreateTime: new Date('2026-12-05T03:10:00Z') },
    ],
  });
  docdb.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBClusterSnapshots: [] });
  docdb.on(RestoreDBClusterFromSnapshotCommand).callsFake((req) => {
    const arn = `arn:aws:rds:eu-west-1:123456789012:cluster:${req.DBClusterIdentifier}`;
    clusters.push({ DBClusterIdentifier: req.DBClusterIdentifier, DBClusterArn: arn, Status: 'creating', Engine: req.Engine });
    tags.set(arn, req.Tags);
    return { DBCluster: cluster(req.DBClusterIdentifier) };
  });
  docdb.on(CreateDBInstanceCommand).callsFake((req) => {
    instances.push({ DBInstanceIdentifier: req.DBInstanceIdentifier, DBClusterIdentifier: req.DBClusterIdentifier, DBInstanceStatus: 'creating' });
    return {};
  });
  docdb.on(ListTagsForResourceCommand).callsFake((req) => ({ TagList: tags.get(req.ResourceName) ?? [] }));
  docdb.on(AddTagsToResourceCommand).callsFake((req) => (tags.set(req.ResourceName, [...(tags.get(req.ResourceName) ?? []), ...req.Tags]), {}));
  docdb
    .on(DeleteDBInstanceCommand)
    .callsFake((req) => ((instances.find((i) => i.DBInstanceIdentifier === req.DBInstanceIdentifier)!.DBInstanceStatus = 'deleting'), {}));
  docdb.on(DeleteDBClusterCommand).callsFake((req) => ((cluster(req.DBClusterIdentifier)!.Status = 'deleting'), {}));
});

describe('docdb-restore-test', () => {
  it('restores the cluster with one instance, runs the mongo check on its endpoint once both are up, and deletes them, instance first', async () => {
    const plan = await docdbRestoreTest.plan(settings, ctx());
    expect(plan.summary).toMatch(
      /^restore snapshot rds:lendpeak-docdb-2026-12-05-03-10 \(2026-12-05T03:10\) of lendpeak-docdb to vigil-restore-lendpeak-docdb-202612050400 \(db.t3.medium\)/,
    );
    await docdbRestoreTest.execute(settings, plan, ctx());
    expect(docdb.commandCalls(RestoreDBClusterFromSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBClusterIdentifier: scratch,
      Engine: 'docdb',
      DBSubnetGroupName: 'private-db',
      VpcSecurityGroupIds: ['sg-0db'],
    });
    expect(docdb.commandCalls(CreateDBInstanceCommand)[0]!.args[0].input).toMatchObject({ DBInstanceIdentifier: `${scratch}-1`, DBClusterIdentifier: scratch });
    expect(await docdbRestoreTest.follow!(settings, plan, ctx())).toMatchObject({
      done: false,
      detail: `${scratch} is creating, 0 min after the restore began`,
    });
    // Another run meanwhile: the copy's tags, read apart, say it is under way.
    await expect(docdbRestoreTest.plan(settings, ctx())).rejects.toThrow(`a restore test of lendpeak-docdb is under way (${scratch}, creating); one at a time`);
    Object.assign(cluster(scratch)!, { Status: 'available', Endpoint: 'copy.cluster-x.eu-west-1.docdb.amazonaws.com', Port: 27017 });
    instances[0]!.DBInstanceStatus = 'available';
    now = new Date('2026-12-05T04:20:00Z');
    const end = (await docdbRestoreTest.follow!(settings, plan, ctx())) as Extract<Progress, { done: true }>;
    expect(end).toMatchObject({ done: true, ok: true });
    expect(end.result).toContain('loans-integrity ok: loans with an impossible amount, rate or date: 0 documents; copy deleted');
    expect(checked).toEqual([{ id: 'loans-integrity', host: 'copy.cluster-x.eu-west-1.docdb.amazonaws.com', port: 27017 }]);
    expect(instances[0]!.DBInstanceStatus).toBe('deleting');
    expect(cluster(scratch)!.Status).toBe('deleting');
    expect(undeclaredCalls(docdbRestoreTest, input, [docdb])).toEqual([]);
  });

  it('reads back a restore whose answer was lost, and finds a copy gone', async () => {
    const plan = await docdbRestoreTest.plan(settings, ctx());
    expect(await docdbRestoreTest.reconcile(settings, plan, ctx())).toEqual({ applied: 'no', detail: `no cluster ${scratch}` });
    await docdbRestoreTest.execute(settings, plan, ctx());
    expect(await docdbRestoreTest.reconcile(settings, plan, ctx())).toMatchObject({ applied: 'yes' });
    clusters = clusters.filter((c) => c.DBClusterIdentifier !== scratch);
    expect(await docdbRestoreTest.follow!(settings, plan, ctx())).toMatchObject({
      done: true,
      ok: false,
      result: expect.stringContaining(`${scratch} is gone`),
    });
  });
});
