import * as z from '../zod.js';
import type { Arns, Grant } from '../permissions.js';
import { defineRemediation, RemediationRefusedError } from './remediation.js';

export const docdbClusterId = z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'expected a DocumentDB cluster identifier, e.g. "orders-docdb"'));

/** What reading a cluster and its instances takes: DescribeDBInstances filtered by cluster is authorised only on every instance. */
export function clusterGrants(id: string, arns: Arns, actions: string[]): Grant[] {
  return [
    { actions, resources: [arns.of('rds', `cluster:${id}`)] },
    {
      actions: ['rds:DescribeDBInstances'],
      resources: [arns.of('rds', 'db:*')],
      wildcard: 'DescribeDBInstances filtered by cluster id is authorised only on all instances (read-only).',
    },
  ];
}

/** A manual cluster snapshot: on its own, or as the safety step before a risky action. */
export const docdbSnapshot = defineRemediation({
  kind: 'docdb-snapshot',
  description: 'Creates a manual DocumentDB cluster snapshot, tagged created-by=vigil.',
  risk: 'low',
  uses: { aws: ['docdb'] },
  permissions: (s, arns) => [
    ...clusterGrants(s.target, arns, ['rds:DescribeDBClusters']),
    // Vigil's snapshots are named vigil-<cluster>-<minute>: it can create those, and no others.
    {
      actions: ['rds:CreateDBClusterSnapshot', 'rds:AddTagsToResource'],
      resources: [arns.of('rds', `cluster:${s.target}`), arns.of('rds', `cluster-snapshot:vigil-${s.target}-*`)],
      wildcard: 'Snapshot names end in the minute they are taken; the statement is held to vigil-<cluster>- prefixes of the configured clusters.',
    },
    // Reading back a snapshot whose answer was lost (reconcile), by its planned name.
    {
      actions: ['rds:DescribeDBClusterSnapshots'],
      resources: [arns.of('rds', `cluster:${s.target}`), arns.of('rds', `cluster-snapshot:vigil-${s.target}-*`)],
      wildcard: 'Snapshot names end in the minute they are taken; the statement is held to vigil-<cluster>- prefixes of the configured clusters.',
    },
  ],
  settings: z.strictObject({ target: docdbClusterId }),
  targetKey: (s) => `docdb:${s.target}`,
  async plan(s, { aws, signal }) {
    if (!aws.docdb) throw new RemediationRefusedError('no DocumentDB client configured');
    const c = await aws.docdb.describeCluster(s.target, signal);
    if (c.status !== 'available') throw new RemediationRefusedError(`${s.target} is ${c.status}; a snapshot needs it available`);
    // Identifiers: letters, digits and hyphens, at most 63; the minute keeps two runs apart.
    const id = `vigil-${s.target}-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}`.slice(0, 63);
    return { summary: `create snapshot ${id} of ${s.target}`, change: { snapshotId: id } };
  },
  async execute(s, plan, { aws }) {
    const snapshot = await aws.docdb!.createSnapshot(s.target, plan.change.snapshotId as string);
    return `snapshot ${snapshot.id} of ${s.target} ${snapshot.status}`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const id = plan.change.snapshotId as string;
    const status = await aws.docdb!.snapshotStatus(s.target, id, signal);
    return status ? { applied: 'yes', detail: `snapshot ${id} of ${s.target} ${status}` } : { applied: 'no', detail: `no snapshot ${id} of ${s.target}` };
  },
});
