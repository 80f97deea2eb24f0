import * as z from '../zod.js';
import { clusterGrants, docdbClusterId } from './docdb-snapshot.js';
import { defineRemediation, RemediationRefusedError } from './remediation.js';

/** Promotes a replica to writer. High risk: connections drop for about a minute. */
export const docdbFailover = defineRemediation({
  kind: 'docdb-failover',
  description: 'Fails a DocumentDB cluster over to a replica (FailoverDBCluster).',
  risk: 'high',
  uses: { aws: ['docdb'] },
  permissions: (s, arns) => clusterGrants(s.target, arns, ['rds:DescribeDBClusters', 'rds:FailoverDBCluster']),
  settings: z.strictObject({
    target: docdbClusterId,
    /** The replica to promote. Default: the first available replica. */
    preferredInstance: z.optional(z.string()),
  }),
  targetKey: (s) => `docdb:${s.target}`,
  async plan(s, { aws, signal }) {
    if (!aws.docdb) throw new RemediationRefusedError('no DocumentDB client configured');
    const c = await aws.docdb.describeCluster(s.target, signal);
    if (c.status !== 'available') throw new RemediationRefusedError(`${s.target} is ${c.status}; fail over only an available cluster`);
    const writer = c.instances.find((i) => i.writer);
    const replicas = c.instances.filter((i) => !i.writer && i.status === 'available');
    const to = s.preferredInstance ? replicas.find((r) => r.id === s.preferredInstance) : replicas[0];
    if (!to) throw new RemediationRefusedError(s.preferredInstance ? `${s.preferredInstance} is not an available replica of ${s.target}` : `${s.target} has no available replica to fail over to`);
    return { summary: `fail ${s.target} over from ${writer?.id ?? '(no writer)'} to ${to.id}`, change: { from: writer?.id ?? null, to: to.id } };
  },
  async execute(s, plan, { aws }) {
    // Re-read: if the writer changed since the plan, someone (or DocumentDB) already failed over.
    const c = await aws.docdb!.describeCluster(s.target);
    const writer = c.instances.find((i) => i.writer)?.id ?? null;
    if (writer !== plan.change.from) throw new RemediationRefusedError(`the writer of ${s.target} is now ${writer}, not ${plan.change.from} as planned`);
    await aws.docdb!.failover(s.target, plan.change.to as string);
    return `failover of ${s.target} to ${plan.change.to} started`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const c = await aws.docdb!.describeCluster(s.target, signal);
    const writer = c.instances.find((i) => i.writer)?.id ?? null;
    if (writer === plan.change.to || c.status === 'failing-over') return { applied: 'yes', detail: `${s.target} is ${c.status}, writer ${writer}` };
    if (writer === plan.change.from) return { applied: 'no', detail: `${s.target} is ${c.status}, writer still ${writer}` };
    return { applied: 'unknown', detail: `${s.target} is ${c.status}, writer ${writer}: neither ${plan.change.from} nor ${plan.change.to}` };
  },
});
