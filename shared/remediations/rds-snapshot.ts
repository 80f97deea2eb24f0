import * as z from '../zod.js';
import type { Arns } from '../permissions.js';
import { rdsIdentifier } from '../probes/rds.js';
import { snapshotRemediation } from './snapshot.js';

/** `db:orders-db` or `cluster:orders-aurora`, and where their snapshots live. */
const resources = (s: { target: string; scope: 'instance' | 'cluster' }, arns: Arns) =>
  s.scope === 'cluster'
    ? [arns.of('rds', `cluster:${s.target}`), arns.of('rds', `cluster-snapshot:vigil-${s.target}-*`)]
    : [arns.of('rds', `db:${s.target}`), arns.of('rds', `snapshot:vigil-${s.target}-*`)];
const NAMED = 'Snapshot names end in the minute they are taken; the statement is held to vigil-<target>- prefixes of the configured targets.';

/** A manual snapshot of an RDS instance or an Aurora cluster: on its own, or as the safety step before a risky action. */
export const rdsSnapshot = snapshotRemediation({
  kind: 'rds-snapshot',
  example: { target: 'orders-db' },
  description: 'Creates a manual RDS instance or Aurora cluster snapshot, tagged created-by=vigil.',
  uses: { aws: ['rds'] },
  settings: z.strictObject({ target: rdsIdentifier, scope: z._default(z.enum(['instance', 'cluster']), 'instance') }),
  permissions: (s, arns) => [
    { actions: [s.scope === 'cluster' ? 'rds:DescribeDBClusters' : 'rds:DescribeDBInstances'], resources: [resources(s, arns)[0]!] },
    ...(s.scope === 'cluster'
      ? [
          {
            actions: ['rds:DescribeDBInstances'],
            resources: [arns.of('rds', 'db:*')],
            wildcard: 'DescribeDBInstances filtered by cluster id is authorised only on all instances (read-only).',
          },
        ]
      : []),
    // Vigil's snapshots are named vigil-<target>-<minute>: it can create and read back those, and no others.
    {
      actions: [s.scope === 'cluster' ? 'rds:CreateDBClusterSnapshot' : 'rds:CreateDBSnapshot', 'rds:AddTagsToResource'],
      resources: resources(s, arns),
      wildcard: NAMED,
    },
    { actions: [s.scope === 'cluster' ? 'rds:DescribeDBClusterSnapshots' : 'rds:DescribeDBSnapshots'], resources: resources(s, arns), wildcard: NAMED },
  ],
  targetKey: (s) => `rds:${s.target}`,
  service: 'RDS',
  noun: (s) => `${s.scope} snapshot`,
  database: (aws, s) =>
    aws.rds && {
      state: async (signal) =>
        s.scope === 'cluster' ? (await aws.rds!.describeCluster(s.target, signal)).status : (await aws.rds!.describeInstance(s.target, signal)).status,
      create: (id) => aws.rds!.createSnapshot(s.scope, s.target, id),
      status: (id, signal) => aws.rds!.snapshotStatus(s.scope, s.target, id, signal),
    },
});
