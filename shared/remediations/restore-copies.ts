import type { Snapshot } from '../aws/docdb.js';
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

/** Restoring, finding and deleting the copies of one source: an RDS instance, or an Aurora cluster (with one instance to answer). */
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

/** The copies of `source` at `scope`, through the RDS port. */
export function copiesIn(rds: RdsPort, scope: RdsScope, source: string): Copies {
  const snapshots = (type: 'automated' | 'manual', signal?: AbortSignal) => rds.snapshotsOf(scope, source, type, signal);
  if (scope === 'instance')
    return {
      source: (signal) => rds.describeInstance(source, signal),
      snapshots,
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
  // A cluster answers once it and an instance of it are available, on the cluster's endpoint.
  const copyOf = (c: Awaited<ReturnType<RdsPort['describeCluster']>>): Copy => {
    const ready = c.instances.find((i) => i.status === 'available');
    const status = c.status !== 'available' ? c.status : ready ? 'available' : `available, its instance ${c.instances[0]?.status ?? 'missing'}`;
    return { id: c.id, status, tags: c.tags ?? {}, endpoint: ready ? c.endpoint : undefined, arn: c.arn, incomplete: !c.instances.length };
  };
  return {
    // Reachable as the source's instances are.
    source: async (signal) => {
      const c = await rds.describeCluster(source, signal);
      return { ...c, publiclyAccessible: c.instances.some((i) => i.publiclyAccessible) };
    },
    snapshots,
    named: async (prefix, signal) => (await rds.clustersNamed(prefix, signal)).map(copyOf),
    describe: async (id, signal) => copyOf(await rds.describeCluster(id, signal)),
    restore: async (r) => ({ ...copyOf(await rds.restoreCluster(r)), tags: r.tags }),
    delete: async (id) => {
      const members = await rds.describeCluster(id).then(
        (c) => c.instances.map((i) => i.id),
        () => [],
      );
      await rds.deleteCluster(id, members);
    },
    complete: (id, r) => rds.addClusterInstance({ id, snapshotId: '', ...r }),
    tag: (arn, tags) => rds.tag(arn, tags),
  };
}
