import * as z from '../zod.js';
import type { Arns } from '../permissions.js';
import { rdsIdentifier } from '../probes/rds.js';
import { defineRemediation, RemediationRefusedError } from './remediation.js';

/** `db:orders-db` or `cluster:orders-aurora`, and where their snapshots live. */
const resources = (s: { target: string; scope: 'instance' | 'cluster' }, arns: Arns) =>
  s.scope === 'cluster'
    ? [arns.of('rds', `cluster:${s.target}`), arns.of('rds', `cluster-snapshot:vigil-${s.target}-*`)]
    : [arns.of('rds', `db:${s.target}`), arns.of('rds', `snapshot:vigil-${s.target}-*`)];
const NAMED = 'Snapshot names end in the minute they are taken; the statement is held to vigil-<target>- prefixes of the configured targets.';

/** A manual snapshot of an RDS instance or an Aurora cluster: on its own, or as the safety step before a risky action. */
export const rdsSnapshot = defineRemediation({
  kind: 'rds-snapshot',
  description: 'Creates a manual RDS instance or Aurora cluster snapshot, tagged created-by=vigil.',
  risk: 'low',
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
  async plan(s, { aws, signal }) {
    if (!aws.rds) throw new RemediationRefusedError('no RDS client configured');
    const status = s.scope === 'cluster' ? (await aws.rds.describeCluster(s.target, signal)).status : (await aws.rds.describeInstance(s.target, signal)).status;
    // RDS takes a snapshot of an available instance or cluster only (CreateDBSnapshot answers InvalidDBInstanceState).
    if (status !== 'available') throw new RemediationRefusedError(`${s.target} is ${status}; a snapshot needs it available`);
    // Identifiers: letters, digits and hyphens, at most 63 (255 for clusters); the minute keeps two runs apart.
    const id = `vigil-${s.target}-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}`.slice(0, 63);
    return { summary: `create ${s.scope} snapshot ${id} of ${s.target}`, change: { snapshotId: id } };
  },
  async execute(s, plan, { aws }) {
    const snapshot = await aws.rds!.createSnapshot(s.scope, s.target, plan.change.snapshotId as string);
    return `snapshot ${snapshot.id} of ${s.target} ${snapshot.status}`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const id = plan.change.snapshotId as string;
    const status = await aws.rds!.snapshotStatus(s.scope, s.target, id, signal);
    return status ? { applied: 'yes', detail: `snapshot ${id} of ${s.target} ${status}` } : { applied: 'no', detail: `no snapshot ${id} of ${s.target}` };
  },
});
