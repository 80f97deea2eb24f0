import * as z from '../zod.js';
import type { Observation, Status } from '../findings.js';
import { defineProbe } from './probe.js';

const HOUR_MS = 3_600_000;
/** Statuses DocumentDB passes through on its own; anything else not `available` is trouble. */
const TRANSIENT = new Set(['backing-up', 'maintenance', 'modifying', 'upgrading', 'failing-over', 'renaming', 'resetting-master-credentials']);

const settings = z.strictObject({
  /** The cluster identifier, e.g. `orders-docdb`. */
  target: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'expected a DocumentDB cluster identifier, e.g. "orders-docdb"')),
  /** `status`: cluster and instances available, a writer present. `backup`: the newest automated snapshot is recent. Default: status. */
  measure: z._default(z.enum(['status', 'backup']), 'status'),
  /** backup: the newest automated snapshot must be younger than this. Default: 26 (a daily backup plus slack). */
  maxBackupAgeHours: z._default(z.number().check(z.positive()), 26),
});

export const docdbClusterProbe = defineProbe({
  kind: 'docdb-cluster',
  example: { target: 'orders-docdb', measure: 'backup' },
  description: 'DocumentDB cluster and instance status, and backup freshness (DescribeDBClusters, DescribeDBInstances, DescribeDBClusterSnapshots).',
  settings,
  uses: { aws: ['docdb'] },
  permissions: (check, arns) => [
    { actions: ['rds:DescribeDBClusters', 'rds:DescribeDBClusterSnapshots'], resources: [arns.of('rds', `cluster:${check.target}`)] },
    {
      actions: ['rds:DescribeDBClusterSnapshots', 'rds:DescribeDBInstances'],
      resources: [arns.of('rds', 'cluster-snapshot:*'), arns.of('rds', 'db:*')],
      wildcard:
        "Listing a cluster's snapshots and instances filters by cluster id; IAM authorises those read-only list calls only on all snapshots and instances.",
    },
  ],
  describeTarget: (check) => check.target,
  secrets: () => [],
  async run(check, { aws, signal, clock }): Promise<Observation> {
    if (!aws.docdb) throw new Error('no DocumentDB client configured');
    if (check.measure === 'backup') {
      const latest = await aws.docdb.latestAutomatedSnapshot(check.target, signal);
      if (!latest) return { status: 'fail', summary: `${check.target} has no automated snapshot`, observed: {} };
      const hours = Math.round(((clock.now().getTime() - latest.createdAt.getTime()) / HOUR_MS) * 10) / 10;
      const status: Status = hours > check.maxBackupAgeHours ? 'fail' : latest.status === 'available' ? 'ok' : 'warn';
      return {
        status,
        summary: `newest automated snapshot ${latest.id} is ${hours} h old (${latest.status}; limit ${check.maxBackupAgeHours} h)`,
        observed: { backupAgeHours: hours },
        evidence: { snapshot: { ...latest, createdAt: latest.createdAt.toISOString() } },
      };
    }
    const cluster = await aws.docdb.describeCluster(check.target, signal);
    const down = cluster.instances.filter((i) => i.status !== 'available');
    const writer = cluster.instances.find((i) => i.writer);
    const observed = { instances: cluster.instances.length, instancesAvailable: cluster.instances.length - down.length };
    const evidence = { cluster: cluster.status, instances: cluster.instances };
    if (!writer) return { status: 'fail', summary: `${cluster.id} has no writer instance (${cluster.status})`, observed, evidence };
    if (cluster.status !== 'available' && !TRANSIENT.has(cluster.status))
      return { status: 'fail', summary: `${cluster.id} is ${cluster.status}`, observed, evidence };
    if (writer.status !== 'available' && !TRANSIENT.has(writer.status))
      return { status: 'fail', summary: `writer ${writer.id} is ${writer.status}`, observed, evidence };
    if (cluster.status !== 'available' || down.length) {
      return {
        status: 'warn',
        summary: `${cluster.id} is ${cluster.status}; ${down.map((i) => `${i.id} ${i.status}`).join(', ') || 'all instances available'}`,
        observed,
        evidence,
      };
    }
    return {
      status: 'ok',
      summary: `${cluster.id} available, ${cluster.instances.length} instance${cluster.instances.length > 1 ? 's' : ''} available, writer ${writer.id}`,
      observed,
      evidence,
    };
  },
});
