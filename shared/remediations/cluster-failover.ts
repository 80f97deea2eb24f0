import type { Arns, Grant } from '../permissions.js';
import type { AwsPorts } from '../aws/ports.js';
import type { Uses } from '../uses.js';
import * as z from '../zod.js';
import { defineRemediation } from './remediation.js';
import { RemediationRefusedError } from '../errors.js';

/** What a failover reads and calls: DocumentDB's and Aurora's control planes answer the same. */
export interface FailoverPort {
  describeCluster(id: string, signal?: AbortSignal): Promise<{ status: string; instances: { id: string; status: string; writer: boolean }[] }>;
  failover(clusterId: string, targetInstance?: string): Promise<void>;
}

interface ClusterFailover<K extends string> {
  kind: K;
  /** e.g. "DocumentDB": how findings and refusals name the service. */
  service: string;
  uses: Uses;
  clusterId: z.ZodMiniString;
  example: { target: string; preferredInstance?: string };
  port(aws: AwsPorts): FailoverPort | undefined;
  permissions(target: string, arns: Arns): Grant[];
}

/** Promotes a replica to writer. High risk: connections drop for about a minute (DocumentDB, Aurora). */
export function clusterFailover<const K extends string>(c: ClusterFailover<K>) {
  const port = (aws: AwsPorts) => {
    const p = c.port(aws);
    if (!p) throw new RemediationRefusedError(`no ${c.service} client configured`);
    return p;
  };
  return defineRemediation({
    kind: c.kind,
    description: `Fails ${/^[AEIOU]/.test(c.service) ? 'an' : 'a'} ${c.service} cluster over to a replica (FailoverDBCluster).`,
    risk: 'high',
    uses: c.uses,
    example: c.example,
    permissions: (s, arns) => c.permissions(s.target, arns),
    settings: z.strictObject({
      target: c.clusterId,
      /** The replica to promote. Default: the first available replica. */
      preferredInstance: z.optional(z.string()),
    }),
    targetKey: (s) => `${c.kind.split('-')[0]}:${s.target}`,
    async plan(s, { aws, signal }) {
      const cluster = await port(aws).describeCluster(s.target, signal);
      if (cluster.status !== 'available') throw new RemediationRefusedError(`${s.target} is ${cluster.status}; fail over only an available cluster`);
      const writer = cluster.instances.find((i) => i.writer);
      const replicas = cluster.instances.filter((i) => !i.writer && i.status === 'available');
      const to = s.preferredInstance ? replicas.find((r) => r.id === s.preferredInstance) : replicas[0];
      if (!to)
        throw new RemediationRefusedError(
          s.preferredInstance ? `${s.preferredInstance} is not an available replica of ${s.target}` : `${s.target} has no available replica to fail over to`,
        );
      return { summary: `fail ${s.target} over from ${writer?.id ?? '(no writer)'} to ${to.id}`, change: { from: writer?.id ?? null, to: to.id } };
    },
    async execute(s, plan, { aws }) {
      // Re-read: if the writer changed since the plan, someone (or the service) already failed over.
      const cluster = await port(aws).describeCluster(s.target);
      const writer = cluster.instances.find((i) => i.writer)?.id ?? null;
      if (writer !== plan.change.from) throw new RemediationRefusedError(`the writer of ${s.target} is now ${writer}, not ${plan.change.from} as planned`);
      await port(aws).failover(s.target, plan.change.to);
      return `failover of ${s.target} to ${plan.change.to} started`;
    },
    async reconcile(s, plan, { aws, signal }) {
      const cluster = await port(aws).describeCluster(s.target, signal);
      const writer = cluster.instances.find((i) => i.writer)?.id ?? null;
      if (writer === plan.change.to || cluster.status === 'failing-over')
        return { applied: 'yes', detail: `${s.target} is ${cluster.status}, writer ${writer}` };
      if (writer === plan.change.from) return { applied: 'no', detail: `${s.target} is ${cluster.status}, writer still ${writer}` };
      return { applied: 'unknown', detail: `${s.target} is ${cluster.status}, writer ${writer}: neither ${plan.change.from} nor ${plan.change.to}` };
    },
  });
}
