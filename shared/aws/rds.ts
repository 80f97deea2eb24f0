import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DBClusterNotFoundFault,
  DBClusterSnapshotNotFoundFault,
  DBInstanceNotFoundFault,
  DBSnapshotNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DeleteDBInstanceCommand,
  DeleteDBClusterCommand,
  InvalidDBClusterStateFault,
  RestoreDBClusterFromSnapshotCommand,
  CreateDBInstanceCommand,
  DBInstanceAlreadyExistsFault,
  type DBCluster,
  InvalidDBInstanceStateFault,
  RestoreDBInstanceFromDBSnapshotCommand,
  AddTagsToResourceCommand,
  DescribeEventsCommand,
  DescribePendingMaintenanceActionsCommand,
  FailoverDBClusterCommand,
  RDSClient,
  type DBInstance,
  type RDSClientConfig,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { Snapshot } from './docdb.js';
import type { ClusterRestoreRequest, RestoreRequest } from './restore-request.js';

export type { ClusterRestoreRequest, RestoreRequest } from './restore-request.js';
import { readWriteClients } from './retries.js';
import { TargetUnresolvedError } from '../errors.js';

/** An RDS instance, or a member of an Aurora cluster, as Vigil reads it. */
export interface RdsInstance {
  id: string;
  status: string;
  instanceClass: string;
  engine: string;
  /** Set for a member of an Aurora cluster. */
  writer: boolean;
  availabilityZone?: string | undefined;
  /** GiB; with `maxAllocatedGiB` when storage autoscaling is on. */
  allocatedGiB?: number | undefined;
  maxAllocatedGiB?: number | undefined;
  /** The newest point a restore can reach; absent when automated backups are off. */
  latestRestorableTime?: Date | undefined;
  /** A read replica's source. */
  replicaOf?: string | undefined;
  /** Where clients connect, once it has one. */
  endpoint?: { host: string; port: number } | undefined;
  arn?: string | undefined;
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
  tags?: Record<string, string> | undefined;
  publiclyAccessible?: boolean | undefined;
}

export interface RdsCluster {
  id: string;
  status: string;
  engine: string;
  instances: RdsInstance[];
  latestRestorableTime?: Date | undefined;
  /** Its writer endpoint, once it has one. */
  endpoint?: { host: string; port: number } | undefined;
  arn?: string | undefined;
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
  tags?: Record<string, string> | undefined;
}

export interface MaintenanceAction {
  /** The instance or cluster identifier it applies to. */
  resource: string;
  action: string;
  description?: string | undefined;
  /** The earliest date it is applied without anyone asking: auto-applied-after, forced, or the scheduled apply date. */
  appliesAt?: Date | undefined;
}

export type RdsScope = 'instance' | 'cluster';

/** The RDS control-plane calls Vigil makes, for instances and for Aurora clusters. */
export interface RdsPort {
  describeInstance(id: string, signal?: AbortSignal): Promise<RdsInstance>;
  /** An Aurora (or Multi-AZ) cluster with its members. Same shape as DocumentDB's, so cluster fixes serve both. */
  describeCluster(id: string, signal?: AbortSignal): Promise<RdsCluster>;
  pendingMaintenance(scope: RdsScope, ids: string[], signal?: AbortSignal): Promise<MaintenanceAction[]>;
  /** The newest automated snapshot, or undefined when there is none. */
  latestAutomatedSnapshot(scope: RdsScope, id: string, signal?: AbortSignal): Promise<Snapshot | undefined>;
  createSnapshot(scope: RdsScope, id: string, snapshotId: string): Promise<Snapshot>;
  /** The status of a manual snapshot by its identifier, or undefined when there is none. */
  snapshotStatus(scope: RdsScope, id: string, snapshotId: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Snapshots of an instance or a cluster, of one type, newest first (`rds:`-named automated ones, or manual ones). */
  snapshotsOf(scope: RdsScope, id: string, type: 'automated' | 'manual', signal?: AbortSignal): Promise<Snapshot[]>;
  /** Every instance whose identifier starts with `prefix`. */
  instancesNamed(prefix: string, signal?: AbortSignal): Promise<RdsInstance[]>;
  /** Every cluster whose identifier starts with `prefix`, with its members. */
  clustersNamed(prefix: string, signal?: AbortSignal): Promise<RdsCluster[]>;
  restoreInstance(request: RestoreRequest): Promise<RdsInstance>;
  /** Restores the cluster alone: its one instance is added apart (`addClusterInstance`). */
  restoreCluster(request: ClusterRestoreRequest): Promise<RdsCluster>;
  /** Adds a restored cluster's one instance (`<cluster>-1`); one already there is fine. */
  addClusterInstance(request: ClusterRestoreRequest): Promise<void>;
  tag(arn: string, tags: Record<string, string>): Promise<void>;
  /** Deletes an instance with no final snapshot and no retained backups: `deleting`, or `gone` when there was none. */
  deleteInstance(id: string): Promise<'deleting' | 'gone'>;
  /** Deletes a cluster's instances, then the cluster, with no final snapshot: `deleting`, or `gone` when there was none. */
  deleteCluster(id: string, instances: string[]): Promise<'deleting' | 'gone'>;
  failover(clusterId: string, targetInstance?: string): Promise<void>;
  reboot(instanceId: string, forceFailover: boolean): Promise<void>;
  /** Event messages about an instance since a time (RebootDBInstance leaves "DB instance restarted"). */
  eventsSince(instanceId: string, since: Date, signal?: AbortSignal): Promise<{ at: Date; message: string }[]>;
}

const instanceOf = (i: DBInstance, writers: Set<string | undefined> = new Set()): RdsInstance => ({
  id: i.DBInstanceIdentifier ?? '?',
  status: i.DBInstanceStatus ?? 'unknown',
  instanceClass: i.DBInstanceClass ?? 'unknown',
  engine: i.Engine ?? 'unknown',
  writer: writers.has(i.DBInstanceIdentifier),
  availabilityZone: i.AvailabilityZone,
  allocatedGiB: i.AllocatedStorage,
  maxAllocatedGiB: i.MaxAllocatedStorage,
  latestRestorableTime: i.LatestRestorableTime,
  replicaOf: i.ReadReplicaSourceDBInstanceIdentifier,
  endpoint: i.Endpoint?.Address && i.Endpoint.Port ? { host: i.Endpoint.Address, port: i.Endpoint.Port } : undefined,
  arn: i.DBInstanceArn,
  subnetGroup: i.DBSubnetGroup?.DBSubnetGroupName,
  securityGroups: i.VpcSecurityGroups?.flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
  tags: tagMap(i.TagList),
  publiclyAccessible: i.PubliclyAccessible,
});

const tagMap = (list: { Key?: string | undefined; Value?: string | undefined }[] | undefined) =>
  Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

const clusterExtras = (c: DBCluster) => ({
  latestRestorableTime: c.LatestRestorableTime,
  endpoint: c.Endpoint && c.Port ? { host: c.Endpoint, port: c.Port } : undefined,
  arn: c.DBClusterArn,
  subnetGroup: c.DBSubnetGroup,
  securityGroups: c.VpcSecurityGroups?.flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
  tags: tagMap(c.TagList),
});

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export class SdkRds implements RdsPort {
  private readonly client: RDSClient;
  /** Snapshots, failovers and reboots go through their own client: retried only on throttling, never blindly. */
  private readonly writes: RDSClient;

  constructor(overrides: RDSClientConfig = {}) {
    ({ reads: this.client, writes: this.writes } = readWriteClients(RDSClient, overrides));
  }

  async describeInstance(id: string, signal?: AbortSignal): Promise<RdsInstance> {
    const out = await this.read(
      () => this.client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal: signal }),
      DBInstanceNotFoundFault,
      `RDS instance ${id}`,
    );
    const instance = out.DBInstances?.[0];
    if (!instance?.DBInstanceIdentifier) throw new TargetUnresolvedError(`RDS instance ${id} not found`);
    return instanceOf(instance);
  }

  async describeCluster(id: string, signal?: AbortSignal): Promise<RdsCluster> {
    const out = await this.read(
      () => this.client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }), { abortSignal: signal }),
      DBClusterNotFoundFault,
      `RDS cluster ${id}`,
    );
    const cluster = out.DBClusters?.[0];
    if (!cluster?.DBClusterIdentifier) throw new TargetUnresolvedError(`RDS cluster ${id} not found`);
    const writers = new Set((cluster.DBClusterMembers ?? []).filter((m) => m.IsClusterWriter).map((m) => m.DBInstanceIdentifier));
    const instances: RdsInstance[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [id] }], Marker: marker }), {
        abortSignal: signal,
      });
      instances.push(...(page.DBInstances ?? []).map((i) => instanceOf(i, writers)));
      marker = page.Marker;
    } while (marker);
    return {
      id: cluster.DBClusterIdentifier,
      status: cluster.Status ?? 'unknown',
      engine: cluster.Engine ?? 'unknown',
      instances,
      ...clusterExtras(cluster),
    };
  }

  async pendingMaintenance(scope: RdsScope, ids: string[], signal?: AbortSignal): Promise<MaintenanceAction[]> {
    const actions: MaintenanceAction[] = [];
    let marker: string | undefined;
    do {
      const out = await this.client.send(
        new DescribePendingMaintenanceActionsCommand({
          Filters: [{ Name: scope === 'cluster' ? 'db-cluster-id' : 'db-instance-id', Values: ids }],
          Marker: marker,
        }),
        {
          abortSignal: signal,
        },
      );
      for (const r of out.PendingMaintenanceActions ?? []) {
        const resource = (r.ResourceIdentifier ?? '').split(':').at(-1) ?? '?';
        for (const d of r.PendingMaintenanceActionDetails ?? []) {
          const dates = [d.AutoAppliedAfterDate, d.ForcedApplyDate, d.CurrentApplyDate].filter((x): x is Date => x instanceof Date);
          const appliesAt = dates.sort((a, b) => a.getTime() - b.getTime())[0];
          actions.push({ resource, action: d.Action ?? 'unknown', description: d.Description, appliesAt });
        }
      }
      marker = out.Marker;
    } while (marker);
    return actions;
  }

  async latestAutomatedSnapshot(scope: RdsScope, id: string, signal?: AbortSignal): Promise<Snapshot | undefined> {
    return (await this.snapshotsOf(scope, id, 'automated', signal))[0];
  }

  async createSnapshot(scope: RdsScope, id: string, snapshotId: string): Promise<Snapshot> {
    const Tags = [{ Key: 'created-by', Value: 'vigil' }];
    if (scope === 'cluster') {
      const s = (await this.writes.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: id, DBClusterSnapshotIdentifier: snapshotId, Tags })))
        .DBClusterSnapshot;
      return { id: s?.DBClusterSnapshotIdentifier ?? snapshotId, status: s?.Status ?? 'creating', createdAt: s?.SnapshotCreateTime ?? new Date() };
    }
    const s = (await this.writes.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: snapshotId, Tags }))).DBSnapshot;
    return { id: s?.DBSnapshotIdentifier ?? snapshotId, status: s?.Status ?? 'creating', createdAt: s?.SnapshotCreateTime ?? new Date() };
  }

  async snapshotStatus(scope: RdsScope, id: string, snapshotId: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      if (scope === 'cluster')
        return (
          await this.client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: id, DBClusterSnapshotIdentifier: snapshotId }), {
            abortSignal: signal,
          })
        ).DBClusterSnapshots?.[0]?.Status;
      return (await this.client.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: snapshotId }), { abortSignal: signal }))
        .DBSnapshots?.[0]?.Status;
    } catch (err) {
      if (err instanceof DBClusterSnapshotNotFoundFault || err instanceof DBSnapshotNotFoundFault) return undefined;
      throw err;
    }
  }

  async snapshotsOf(scope: RdsScope, id: string, type: 'automated' | 'manual', signal?: AbortSignal): Promise<Snapshot[]> {
    const snapshots: Snapshot[] = [];
    let marker: string | undefined;
    do {
      if (scope === 'cluster') {
        const out = await this.client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: id, SnapshotType: type, Marker: marker }), {
          abortSignal: signal,
        });
        for (const s of out.DBClusterSnapshots ?? [])
          if (s.SnapshotCreateTime && s.DBClusterSnapshotIdentifier)
            snapshots.push({ id: s.DBClusterSnapshotIdentifier, status: s.Status ?? 'unknown', createdAt: s.SnapshotCreateTime });
        marker = out.Marker;
      } else {
        const out = await this.client.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: id, SnapshotType: type, Marker: marker }), {
          abortSignal: signal,
        });
        for (const s of out.DBSnapshots ?? [])
          if (s.SnapshotCreateTime && s.DBSnapshotIdentifier)
            snapshots.push({ id: s.DBSnapshotIdentifier, status: s.Status ?? 'unknown', createdAt: s.SnapshotCreateTime });
        marker = out.Marker;
      }
    } while (marker);
    return snapshots.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async instancesNamed(prefix: string, signal?: AbortSignal): Promise<RdsInstance[]> {
    const found: RdsInstance[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(new DescribeDBInstancesCommand({ Marker: marker }), { abortSignal: signal });
      for (const i of page.DBInstances ?? []) if (i.DBInstanceIdentifier?.startsWith(prefix)) found.push(instanceOf(i));
      marker = page.Marker;
    } while (marker);
    return found;
  }

  async restoreInstance(r: RestoreRequest): Promise<RdsInstance> {
    const out = await this.writes.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: r.id,
        DBSnapshotIdentifier: r.snapshotId,
        DBInstanceClass: r.instanceClass,
        ...(r.subnetGroup ? { DBSubnetGroupName: r.subnetGroup } : {}),
        ...(r.securityGroups?.length ? { VpcSecurityGroupIds: r.securityGroups } : {}),
        // A scratch copy: one zone, reachable as its source is and no more, no backups of its own, and nothing to stop its deletion.
        MultiAZ: false,
        PubliclyAccessible: r.publiclyAccessible ?? false,
        BackupRetentionPeriod: 0,
        DeletionProtection: false,
        Tags: tagList(r.tags),
      }),
    );
    return instanceOf(out.DBInstance ?? { DBInstanceIdentifier: r.id, DBInstanceStatus: 'creating' });
  }

  async clustersNamed(prefix: string, signal?: AbortSignal): Promise<RdsCluster[]> {
    const found: RdsCluster[] = [];
    let marker: string | undefined;
    do {
      const page = await this.client.send(new DescribeDBClustersCommand({ Marker: marker }), { abortSignal: signal });
      for (const c of page.DBClusters ?? [])
        if (c.DBClusterIdentifier?.startsWith(prefix)) found.push(await this.describeCluster(c.DBClusterIdentifier, signal));
      marker = page.Marker;
    } while (marker);
    return found;
  }

  async restoreCluster(r: ClusterRestoreRequest): Promise<RdsCluster> {
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
    return { id: r.id, status: c?.Status ?? 'creating', engine: r.engine, instances: [], ...(c ? clusterExtras(c) : {}) };
  }

  async addClusterInstance(r: ClusterRestoreRequest): Promise<void> {
    try {
      await this.writes.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${r.id}-1`,
          DBClusterIdentifier: r.id,
          Engine: r.engine,
          DBInstanceClass: r.instanceClass,
          PubliclyAccessible: r.publiclyAccessible ?? false,
          Tags: tagList(r.tags),
        }),
      );
    } catch (err) {
      if (!(err instanceof DBInstanceAlreadyExistsFault)) throw err;
    }
  }

  async tag(arn: string, tags: Record<string, string>): Promise<void> {
    await this.writes.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagList(tags) }));
  }

  async deleteCluster(id: string, instances: string[]): Promise<'deleting' | 'gone'> {
    for (const instance of instances) await this.deleteInstance(instance);
    try {
      await this.writes.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }));
      return 'deleting';
    } catch (err) {
      if (err instanceof DBClusterNotFoundFault) return 'gone';
      if (err instanceof InvalidDBClusterStateFault && /being deleted|deleting/i.test(err.message)) return 'deleting';
      throw err;
    }
  }

  async deleteInstance(id: string): Promise<'deleting' | 'gone'> {
    try {
      await this.writes.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
      return 'deleting';
    } catch (err) {
      if (err instanceof DBInstanceNotFoundFault) return 'gone';
      // Already being deleted (an earlier attempt's call): the same end.
      if (err instanceof InvalidDBInstanceStateFault && /being deleted|deleting/i.test(err.message)) return 'deleting';
      throw err;
    }
  }

  async failover(clusterId: string, targetInstance?: string): Promise<void> {
    await this.writes.send(
      new FailoverDBClusterCommand({ DBClusterIdentifier: clusterId, ...(targetInstance ? { TargetDBInstanceIdentifier: targetInstance } : {}) }),
    );
  }

  async reboot(instanceId: string, forceFailover: boolean): Promise<void> {
    await this.writes.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: instanceId, ...(forceFailover ? { ForceFailover: true } : {}) }));
  }

  async eventsSince(instanceId: string, since: Date, signal?: AbortSignal): Promise<{ at: Date; message: string }[]> {
    const events: { at: Date; message: string }[] = [];
    let marker: string | undefined;
    do {
      const out = await this.client.send(
        new DescribeEventsCommand({ SourceType: 'db-instance', SourceIdentifier: instanceId, StartTime: since, Marker: marker }),
        { abortSignal: signal },
      );
      for (const e of out.Events ?? []) if (e.Date) events.push({ at: e.Date, message: e.Message ?? '' });
      marker = out.Marker;
    } while (marker);
    return events;
  }

  /** A read whose "not found" answer means the configured target is wrong, said as such. */
  private async read<T>(call: () => Promise<T>, notFound: new (...args: never[]) => Error, what: string): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof notFound) throw new TargetUnresolvedError(`${what} not found: check the identifier and the region`);
      throw err;
    }
  }
}

/** The port `aws.rds` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): RdsPort => new SdkRds();

declare module './ports.js' {
  interface AwsPortMap {
    rds: RdsPort;
  }
}
