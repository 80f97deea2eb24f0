import type { DocdbPort, Snapshot } from '../aws/docdb.js';
import type { ClusterRestoreRequest, RdsPort, RdsScope } from '../aws/rds.js';

/** A scratch copy as a restore test sees it: ready once `available` with an endpoint. */
export interface Copy {
  id: string;
  status: string;
  tags: Record<string, string>;
  endpoint?: { host: string; port: number } | undefined;
  arn?: string | undefined;
  /** A cluster restored without its instance yet (an answer lost between the two calls): `complete` adds it. */
  incomplete?: boolean;
}

/** Restoring, finding and deleting the copies of one source: an RDS instance, or a cluster (Aurora, DocumentDB) with one instance to answer. */
export interface Copies {
  /** Where the source is (its subnet group and security groups) and its engine: the copy joins it there. */
  source(
    signal?: AbortSignal,
  ): Promise<{ subnetGroup?: string | undefined; securityGroups?: string[] | undefined; engine: string; publiclyAccessible?: boolean | undefined }>;
  snapshots(type: 'automated' | 'manual', signal?: AbortSignal): Promise<Snapshot[]>;
  named(prefix: string, signal?: AbortSignal): Promise<Copy[]>;
  /** Throws TargetUnresolvedError when there is none. */
  describe(id: string, signal?: AbortSignal): Promise<Copy>;
  /** An instance copy takes no engine of its own: the snapshot's. */
  restore(request: ClusterRestoreRequest): Promise<Copy>;
  delete(id: string): Promise<void>;
  /** Adds what an incomplete copy lacks; safe to ask twice. */
  complete(id: string, request: Omit<ClusterRestoreRequest, 'id' | 'snapshotId'>): Promise<void>;
  /** Writes tags on a copy, by its ARN. */
  tag(arn: string, tags: Record<string, string>): Promise<void>;
}

/** A cluster as the RDS family describes it, with what a restore test reads. */
interface ClusterView {
  id: string;
  status: string;
  engine?: string | undefined;
  instances: { id: string; status: string; publiclyAccessible?: boolean | undefined }[];
  endpoint?: { host: string; port: number } | undefined;
  arn?: string | undefined;
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
  tags?: Record<string, string> | undefined;
}

/** The cluster calls a restore test makes: the same on RDS (Aurora) and on DocumentDB. */
interface ClusterApi {
  describeCluster(id: string, signal?: AbortSignal): Promise<ClusterView>;
  clustersNamed(prefix: string, signal?: AbortSignal): Promise<ClusterView[]>;
  snapshotsOf(type: 'automated' | 'manual', signal?: AbortSignal): Promise<Snapshot[]>;
  restoreCluster(request: ClusterRestoreRequest): Promise<ClusterView>;
  addClusterInstance(request: ClusterRestoreRequest): Promise<void>;
  deleteCluster(id: string, instances: string[]): Promise<'deleting' | 'gone'>;
  tag(arn: string, tags: Record<string, string>): Promise<void>;
  /** Tags the describe calls do not carry (DocumentDB's), read apart. */
  tagsOf?(arn: string, signal?: AbortSignal): Promise<Record<string, string>>;
}

/** The copies of an RDS instance or an Aurora cluster. */
export function rdsCopies(rds: RdsPort, scope: RdsScope, source: string): Copies {
  if (scope === 'cluster') return clusterCopies({ ...bound(rds), snapshotsOf: (type, signal) => rds.snapshotsOf('cluster', source, type, signal) }, source);
  return {
    source: (signal) => rds.describeInstance(source, signal),
    snapshots: (type, signal) => rds.snapshotsOf('instance', source, type, signal),
    named: async (prefix, signal) => (await rds.instancesNamed(prefix, signal)).map((i) => ({ ...i, tags: i.tags ?? {} })),
    describe: async (id, signal) => {
      const i = await rds.describeInstance(id, signal);
      return { ...i, tags: i.tags ?? {} };
    },
    restore: async (r) => {
      const i = await rds.restoreInstance(r);
      return { ...i, tags: i.tags ?? r.tags };
    },
    delete: async (id) => void (await rds.deleteInstance(id)),
    complete: async () => undefined,
    tag: (arn, tags) => rds.tag(arn, tags),
  };
}

/** The copies of a DocumentDB cluster. */
export const docdbCopies = (docdb: DocdbPort, source: string): Copies =>
  clusterCopies({ ...bound(docdb), snapshotsOf: (type, signal) => docdb.snapshotsOf(source, type, signal) }, source);

/** A port's cluster calls, bound to it. */
function bound(port: RdsPort | DocdbPort): Omit<ClusterApi, 'snapshotsOf'> {
  return {
    describeCluster: (id, signal) => port.describeCluster(id, signal),
    clustersNamed: (prefix, signal) => port.clustersNamed(prefix, signal),
    restoreCluster: (r) => port.restoreCluster(r),
    addClusterInstance: (r) => port.addClusterInstance(r),
    deleteCluster: (id, instances) => port.deleteCluster(id, instances),
    tag: (arn, tags) => port.tag(arn, tags),
    ...('tagsOf' in port ? { tagsOf: (arn, signal) => port.tagsOf(arn, signal) } : {}),
  };
}

/** A cluster copy answers once it and an instance of it are available, on the cluster's endpoint. */
function clusterCopies(api: ClusterApi, source: string): Copies {
  const copyOf = async (c: ClusterView, signal?: AbortSignal): Promise<Copy> => {
    const ready = c.instances.find((i) => i.status === 'available');
    const status = c.status !== 'available' ? c.status : ready ? 'available' : `available, its instance ${c.instances[0]?.status ?? 'missing'}`;
    const tags = c.tags ?? (api.tagsOf && c.arn ? await api.tagsOf(c.arn, signal) : {});
    return { id: c.id, status, tags, endpoint: ready ? c.endpoint : undefined, arn: c.arn, incomplete: !c.instances.length };
  };
  return {
    // Reachable as the source's instances are.
    source: async (signal) => {
      const c = await api.describeCluster(source, signal);
      return { ...c, engine: c.engine ?? 'unknown', publiclyAccessible: c.instances.some((i) => i.publiclyAccessible) };
    },
    snapshots: api.snapshotsOf,
    named: async (prefix, signal) => Promise.all((await api.clustersNamed(prefix, signal)).map((c) => copyOf(c, signal))),
    describe: async (id, signal) => copyOf(await api.describeCluster(id, signal), signal),
    restore: async (r) => {
      const restored = await api.restoreCluster(r);
      try {
        await api.addClusterInstance(r);
      } catch (err) {
        // A cluster nobody can query would only cost: it goes, and the failure is the action's.
        await api.deleteCluster(r.id, []).catch(() => undefined);
        throw err;
      }
      return copyOf({ ...restored, tags: r.tags });
    },
    delete: async (id) => {
      const members = await api.describeCluster(id).then(
        (c) => c.instances.map((i) => i.id),
        () => [],
      );
      await api.deleteCluster(id, members);
    },
    complete: (id, r) => api.addClusterInstance({ id, snapshotId: '', ...r }),
    tag: (arn, tags) => api.tag(arn, tags),
  };
}
