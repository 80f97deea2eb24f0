import * as z from '../zod.js';
import type { Arns, Grant } from '../permissions.js';
import { snapshotRemediation } from './snapshot.js';

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
export const docdbSnapshot = snapshotRemediation({
  kind: 'docdb-snapshot',
  example: { target: 'orders-docdb' },
  description: 'Creates a manual DocumentDB cluster snapshot, tagged created-by=vigil.',
  uses: { aws: ['docdb'] },
  permissions: (s, arns) => [
    ...clusterGrants(s.target, arns, ['rds:DescribeDBClusters']),
    // Vigil's snapshots are named vigil-<cluster>-<minute>: it can create those, and no others.
    {
      actions: ['rds:CreateDBClusterSnapshot', 'rds:AddTagsToResource'],
      resources: [arns.of('rds', `cluster:${s.target}`), arns.of('rds', `cluster-snapshot:vigil-${s.target}-*`)],
      wildcard: NAMED,
    },
    // Reading back a snapshot whose answer was lost (reconcile), by its planned name.
    {
      actions: ['rds:DescribeDBClusterSnapshots'],
      resources: [arns.of('rds', `cluster:${s.target}`), arns.of('rds', `cluster-snapshot:vigil-${s.target}-*`)],
      wildcard: NAMED,
    },
  ],
  settings: z.strictObject({ target: docdbClusterId }),
  targetKey: (s) => `docdb:${s.target}`,
  service: 'DocumentDB',
  noun: () => 'snapshot',
  database: (aws, s) =>
    aws.docdb && {
      state: async (signal) => (await aws.docdb!.describeCluster(s.target, signal)).status,
      create: (id) => aws.docdb!.createSnapshot(s.target, id),
      status: (id, signal) => aws.docdb!.snapshotStatus(s.target, id, signal),
    },
});

const NAMED = 'Snapshot names end in the minute they are taken; the statement is held to vigil-<cluster>- prefixes of the configured clusters.';
