import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DBClusterNotFoundFault,
  DeleteDBClusterCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  RestoreDBClusterFromSnapshotCommand,
  type DBCluster,
  DBInstanceNotFoundFault,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';

/**
 * RDS as a restore test sees it, through the SDK's mock: the source `orders-db` and the Aurora cluster
 * `orders-aurora`, with their snapshots, and the copies restored from them, kept as RDS would keep them. `endpoint` is where a copy answers once available.
 */
export function useRdsRestores(endpoint: () => { host: string; port: number } = () => ({ host: 'copy.abc.eu-west-1.rds.amazonaws.com', port: 5432 })) {
  const rds = mockClient(RDSClient);
  const state = { instances: [] as DBInstance[], clusters: [] as DBCluster[] };
  const cluster = (id: string) => state.clusters.find((c) => c.DBClusterIdentifier === id);
  const setClusterStatus = (id: string, status: string) => {
    cluster(id)!.Status = status;
    if (status === 'available') Object.assign(cluster(id)!, { Endpoint: endpoint().host, Port: endpoint().port });
  };
  const named = (id: string) => state.instances.find((i) => i.DBInstanceIdentifier === id);
  const setStatus = (id: string, status: string) => {
    named(id)!.DBInstanceStatus = status;
    if (status === 'available') named(id)!.Endpoint = { Address: endpoint().host, Port: endpoint().port };
  };
  const copy = (id: string, status: string, tags: Record<string, string>): DBInstance => ({
    DBInstanceIdentifier: id,
    DBInstanceArn: `arn:aws:rds:eu-west-1:123456789012:db:${id}`,
    DBInstanceStatus: status,
    TagList: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  });
  const notFound = (id: string) => new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, $metadata: { httpStatusCode: 404 } });

  beforeEach(() => {
    state.instances = [
      {
        DBInstanceIdentifier: 'orders-db',
        DBInstanceStatus: 'available',
        DBSubnetGroup: { DBSubnetGroupName: 'private-db' },
        VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0db' }],
      },
    ];
    rds.reset();
    rds.on(DescribeDBInstancesCommand).callsFake((req) => {
      const member = req.Filters?.find((f: { Name: string }) => f.Name === 'db-cluster-id')?.Values[0];
      if (member) return { DBInstances: state.instances.filter((i) => i.DBClusterIdentifier === member) };
      if (!req.DBInstanceIdentifier) return { DBInstances: state.instances };
      const found = named(req.DBInstanceIdentifier);
      if (!found) throw notFound(req.DBInstanceIdentifier);
      return { DBInstances: [found] };
    });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({
      DBSnapshots: [
        { DBSnapshotIdentifier: 'rds:orders-db-2026-12-04-03-10', Status: 'available', SnapshotCreateTime: new Date('2026-12-04T03:10:00Z') },
        { DBSnapshotIdentifier: 'rds:orders-db-2026-12-05-03-10', Status: 'available', SnapshotCreateTime: new Date('2026-12-05T03:10:00Z') },
      ],
    });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({
      DBSnapshots: [
        // Newer, but still being taken; and a team's own, which Vigil may not restore.
        { DBSnapshotIdentifier: 'vigil-orders-db-202612050330', Status: 'creating', SnapshotCreateTime: new Date('2026-12-05T03:30:00Z') },
        { DBSnapshotIdentifier: 'before-migration', Status: 'available', SnapshotCreateTime: new Date('2026-12-05T03:40:00Z') },
      ],
    });
    rds.on(RestoreDBInstanceFromDBSnapshotCommand).callsFake((req) => {
      const tags = Object.fromEntries((req.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
      const made = copy(req.DBInstanceIdentifier, 'creating', tags);
      state.instances.push(made);
      return { DBInstance: made };
    });
    rds.on(AddTagsToResourceCommand).callsFake((req) => {
      const found = state.instances.find((i) => i.DBInstanceArn === req.ResourceName) ?? state.clusters.find((c) => c.DBClusterArn === req.ResourceName)!;
      found.TagList = [...(found.TagList ?? []), ...req.Tags];
      return {};
    });
    // The Aurora cluster orders-aurora, its snapshots, and the copies restored from them.
    state.clusters = [
      {
        DBClusterIdentifier: 'orders-aurora',
        Status: 'available',
        Engine: 'aurora-postgresql',
        DBSubnetGroup: 'private-db',
        VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0db' }],
      },
    ];
    rds.on(DescribeDBClustersCommand).callsFake((req) => {
      if (!req.DBClusterIdentifier) return { DBClusters: state.clusters };
      const found = cluster(req.DBClusterIdentifier);
      if (!found) throw new DBClusterNotFoundFault({ message: `DBCluster ${req.DBClusterIdentifier} not found.`, $metadata: { httpStatusCode: 404 } });
      return { DBClusters: [found] };
    });
    rds.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'automated' }).resolves({
      DBClusterSnapshots: [
        { DBClusterSnapshotIdentifier: 'rds:orders-aurora-2026-12-05-03-10', Status: 'available', SnapshotCreateTime: new Date('2026-12-05T03:10:00Z') },
      ],
    });
    rds.on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBClusterSnapshots: [] });
    rds.on(RestoreDBClusterFromSnapshotCommand).callsFake((req) => {
      const made: DBCluster = {
        DBClusterIdentifier: req.DBClusterIdentifier,
        DBClusterArn: `arn:aws:rds:eu-west-1:123456789012:cluster:${req.DBClusterIdentifier}`,
        Status: 'creating',
        Engine: req.Engine,
        TagList: req.Tags,
      };
      state.clusters.push(made);
      return { DBCluster: made };
    });
    rds.on(CreateDBInstanceCommand).callsFake((req) => {
      const made = { ...copy(req.DBInstanceIdentifier, 'creating', {}), DBClusterIdentifier: req.DBClusterIdentifier };
      state.instances.push(made);
      return { DBInstance: made };
    });
    rds.on(DeleteDBClusterCommand).callsFake((req) => {
      const found = cluster(req.DBClusterIdentifier);
      if (!found) throw new DBClusterNotFoundFault({ message: 'not found', $metadata: { httpStatusCode: 404 } });
      found.Status = 'deleting';
      return {};
    });
    rds.on(DeleteDBInstanceCommand).callsFake((req) => {
      if (!named(req.DBInstanceIdentifier)) throw notFound(req.DBInstanceIdentifier);
      setStatus(req.DBInstanceIdentifier, 'deleting');
      return {};
    });
  });

  return { rds, state, named, setStatus, copy, cluster, setClusterStatus };
}
