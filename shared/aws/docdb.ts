import {
  AddTagsToResourceCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  DBClusterNotFoundFault,
  DBClusterSnapshotNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  InvalidDBClusterStateFault,
  InvalidDBInstanceStateFault,
  ListTagsForResourceCommand,
  RestoreDBClusterFromSnapshotCommand,
  type DBCluster,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DocDBClient,
  type DocDBClientConfig,
  FailoverDBClusterCommand,
} from '@aws-sdk/client-docdb';
import { readWriteClients } from './retries.js';
import { TargetUnresolvedError } from '../errors.js';
import type { ClusterRestoreRequest } from './restore-request.js';

export interface DocdbInstance {
  id: string;
  status: string;
  writer: boolean;
  availabilityZone?: string | undefined;
}

export interface DocdbCluster {
  id: string;
  status: string;
  instances: DocdbInstance[];
  engine?: string | undefined;
  endpoint?: { host: string; port: number } | undefined;
  arn?: string | undefined;
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
  tags?: Record<string, string> | undefined;
}

/** A cluster or instance snapshot, as the RDS family (RDS, Aurora, DocumentDB) describes it. */
export interface Snapshot {
  id: string;
  status: string;
  createdAt: Date;
}

/** The DocumentDB control-plane calls Vigil makes. */
export interface DocdbPort {
  describeCluster(clusterId: string, signal?: AbortSignal): Promise<DocdbCluster>;
  /** The newest automated snapshot, or undefined when there is none. */
  latestAutomatedSnapshot(clusterId: string, signal?: AbortSignal): Promise<Snapshot | undefined>;
  createSnapshot(clusterId: string, snapshotId: string): Promise<Snapshot>;
  /** The status of a manual snapshot by its identifier, or undefined when there is none. */
  snapshotStatus(clusterId: string, snapshotId: string, signal?: AbortSignal): Promise<string | undefined>;
  failover(clusterId: string, targetInstance?: string): Promise<void>;
  /** Cluster snapshots of one type, newest first. */
  snapshotsOf(clusterId: string, type: 'automated' | 'manual', signal?: AbortSignal): Promise<Snapshot[]>;
  /** Every cluster whose identifier starts with `prefix`, with its members. */
  clustersNamed(prefix: string, signal?: AbortSignal): Promise<DocdbCluster[]>;
  /** Restores the cluster alone: its one instance is added apart (`addClusterInstance`). */
  restoreCluster(request: ClusterRestoreRequest): Promise<DocdbCluster>;
  /** Adds a restored cluster's one instance (`<cluster>-1`); one already there is fine. */
  addClusterInstance(request: ClusterRestoreRequest): Promise<void>;
  /** Deletes a cluster's instances, then the cluster, with no final snapshot. */
  deleteCluster(id: string, instances: string[]): Promise<'deleting' | 'gone'>;
  tag(arn: string, tags: Record<string, string>): Promise<void>;
  /** A resource's tags: DocumentDB's describe calls do not carry them. */
  tagsOf(arn: string, signal?: AbortSignal): Promise<Record<string, string>>;
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const clusterExtras = (c: DBCluster) => ({
  engine: c.Engine,
  endpoint: c.Endpoint && c.Port ? { host: c.Endpoint, port: c.Port } : undefined,
  arn: c.DBClusterArn,
  subnetGroup: c.DBSubnetGroup,
  securityGroups: c.VpcSecurityGroups?.flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
});
/** Not found, or already being deleted: what a delete that came twice meets. */
const goneOr = (err: unknown, notFound: new (...a: never[]) => Error, state: new (...a: never[]) => Error): 'deleting' | 'gone' => {
  if (err instanceof notFound) return 'gone';
  if (err instanceof state && /being deleted|deleting/i.test(err.message)) return 'deleting';
  throw err;
};

export class SdkDocdb implements DocdbPort {
  private readonly client: DocDBClient;
  /** Snapshots and failovers go through their own client: retried only on throttling, never blindly. */
  private readonly writes: DocDBClient;

  constructor(overrides: DocDBClientConfig = {}) {
    ({ reads: this.client, writes: this.writes } = readWriteClients(DocDBClient, overrides));
  }

  async describeCluster(clusterId: string, signal?: AbortSignal): Promise<DocdbCluster> {
    let out;
    try {
      out = await this.client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }), { abortSignal: signal });
    } catch (err) {
      if (err instanceof DBClusterNotFoundFault) throw new TargetUnresolvedError(`DocumentDB cluster ${clusterId} not found`);
      throw err;
    }
    const cluster = out.DBClusters?.[0];
    if (!cluster?.DBClusterIdentifier) throw new TargetUnresolvedError(`DocumentDB cluster ${clusterId} not found`);
    const writers = new Set((cluster.DBClusterMembers ?? []).filter((m) => m.IsClusterWriter).map((m) => m.DBInstanceIdentifier));
    const instances = await this.client.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [clusterId] }] }), {
      abortSignal: signal,
    });
    return {
      id: cluster.DBClusterIdentifier,
      status: cluster.Status ?? 'unknown',
      instances: (instances.DBInstances ?? []).map((i) => ({
        id: i.DBInstanceIdentifier ?? '?',
        status: i.DBInstanceStatus ?? 'unknown',
        writer: writers.has(i.DBInstanceIdentifier),
        availabilityZone: i.AvailabilityZone,
      })),
      ...clusterExtras(cluster),
    };
  }

  async latestAutomatedSnapshot(clusterId: string, signal?: AbortSignal): Promise<Snapshot | undefined> {
    return (await this.snapshotsOf(clusterId, 'automated', signal))[0];
  }

  async snapshotsOf(clusterId: string, type: 'automated' | 'manual', signal?: AbortSignal): Promise<Snapshot[]> {
    const snapshots: Snapshot[] = [];
    let marker: string | undefined;
    do {
      const out = await this.client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: clusterId, SnapshotType: type, Marker: marker }), {
        abortSignal: signal,
      });
      for (const s of out.DBClusterSnapshots ?? []) {
        if (s.SnapshotCreateTime && s.DBClusterSnapshotIdentifier)
          snapshots.push({ id: s.DBClusterSnapshotIdentifier, status: s.Status ?? 'unknown', createdAt: s.SnapshotCreateTime });
      }
      marker = out.Marker;
    } while (marker);
    return snapshots.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async clustersNamed(prefix: string, signal?: AbortSignal): Promise<DocdbCluster[]> {
    const found: DocdbCluster[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(new DescribeDBClustersCommand({ Marker: marker }), { abortSignal: signal });
      for (const c of page.DBClusters ?? [])
        if (c.DBClusterIdentifier?.startsWith(prefix)) found.push(await this.describeCluster(c.DBClusterIdentifier, signal));
      marker = page.Marker;
    } while (marker);
    return found;
  }

  async restoreCluster(r: ClusterRestoreRequest): Promise<DocdbCluster> {
    const out = await this.writes.send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: r.id,
        SnapshotIdentifier: r.snapshotId,
        Engine: r.engine,
        ...(r.subnetGroup ? { DBSubnetGroupName: r.subnetGroup } : {}),
        ...(r.securityGroups?.length ? { VpcSecurityGroupIds: r.securityGroups } : {}),
        DeletionProtection: false,
        Tags: tagList(r.tags),
      }),
    );
    const c = out.DBCluster;
    return { id: r.id, status: c?.Status ?? 'creating', instances: [], ...(c ? clusterExtras(c) : {}) };
  }

  async addClusterInstance(r: ClusterRestoreRequest): Promise<void> {
    try {
      await this.writes.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${r.id}-1`,
          DBClusterIdentifier: r.id,
          Engine: r.engine,
          DBInstanceClass: r.instanceClass,
          Tags: tagList(r.tags),
        }),
      );
    } catch (err) {
      if (!(err instanceof DBInstanceAlreadyExistsFault)) throw err;
    }
  }

  async deleteCluster(id: string, instances: string[]): Promise<'deleting' | 'gone'> {
    for (const instance of instances) {
      try {
        await this.writes.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: instance }));
      } catch (err) {
        goneOr(err, DBInstanceNotFoundFault, InvalidDBInstanceStateFault);
      }
    }
    try {
      await this.writes.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }));
      return 'deleting';
    } catch (err) {
      return goneOr(err, DBClusterNotFoundFault, InvalidDBClusterStateFault);
    }
  }

  async tagsOf(arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const out = await this.client.send(new ListTagsForResourceCommand({ ResourceName: arn }), { abortSignal: signal });
    return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }

  async tag(arn: string, tags: Record<string, string>): Promise<void> {
    await this.writes.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagList(tags) }));
  }

  async createSnapshot(clusterId: string, snapshotId: string): Promise<Snapshot> {
    const out = await this.writes.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: clusterId,
        DBClusterSnapshotIdentifier: snapshotId,
        Tags: [{ Key: 'created-by', Value: 'vigil' }],
      }),
    );
    const s = out.DBClusterSnapshot;
    return { id: s?.DBClusterSnapshotIdentifier ?? snapshotId, status: s?.Status ?? 'creating', createdAt: s?.SnapshotCreateTime ?? new Date() };
  }

  async snapshotStatus(clusterId: string, snapshotId: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const out = await this.client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: clusterId, DBClusterSnapshotIdentifier: snapshotId }), {
        abortSignal: signal,
      });
      return out.DBClusterSnapshots?.[0]?.Status;
    } catch (err) {
      if (err instanceof DBClusterSnapshotNotFoundFault) return undefined;
      throw err;
    }
  }

  async failover(clusterId: string, targetInstance?: string): Promise<void> {
    await this.writes.send(
      new FailoverDBClusterCommand({ DBClusterIdentifier: clusterId, ...(targetInstance ? { TargetDBInstanceIdentifier: targetInstance } : {}) }),
    );
  }
}

/** The port `aws.docdb` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): DocdbPort => new SdkDocdb();

declare module './ports.js' {
  interface AwsPortMap {
    docdb: DocdbPort;
  }
}
