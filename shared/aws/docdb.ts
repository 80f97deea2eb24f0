import {
  CreateDBClusterSnapshotCommand,
  DBClusterSnapshotNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DocDBClient,
  type DocDBClientConfig,
  FailoverDBClusterCommand,
} from '@aws-sdk/client-docdb';
import { readWriteClients } from './retries.js';
import { TargetUnresolvedError } from '../errors.js';

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
}

export class SdkDocdb implements DocdbPort {
  private readonly client: DocDBClient;
  /** Snapshots and failovers go through their own client: retried only on throttling, never blindly. */
  private readonly writes: DocDBClient;

  constructor(overrides: DocDBClientConfig = {}) {
    ({ reads: this.client, writes: this.writes } = readWriteClients(DocDBClient, overrides));
  }

  async describeCluster(clusterId: string, signal?: AbortSignal): Promise<DocdbCluster> {
    const out = await this.client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }), { abortSignal: signal });
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
    };
  }

  async latestAutomatedSnapshot(clusterId: string, signal?: AbortSignal): Promise<Snapshot | undefined> {
    const snapshots: Snapshot[] = [];
    let marker: string | undefined;
    do {
      const out = await this.client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: clusterId, SnapshotType: 'automated', Marker: marker }), {
        abortSignal: signal,
      });
      for (const s of out.DBClusterSnapshots ?? []) {
        if (s.SnapshotCreateTime && s.DBClusterSnapshotIdentifier)
          snapshots.push({ id: s.DBClusterSnapshotIdentifier, status: s.Status ?? 'unknown', createdAt: s.SnapshotCreateTime });
      }
      marker = out.Marker;
    } while (marker);
    return snapshots.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
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
