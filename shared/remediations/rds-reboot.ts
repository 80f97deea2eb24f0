import * as z from '../zod.js';
import { rdsIdentifier } from '../probes/rds.js';
import { defineRemediation } from './remediation.js';
import { RemediationRefusedError } from '../errors.js';

/** What RebootDBInstance leaves in the instance's events (RDS-EVENT-0006 and the shutdown before it). */
const REBOOTED = /restart|reboot|shutdown/i;

/** Reboots one RDS instance. High risk: connections drop; with `forceFailover`, a Multi-AZ instance moves to its standby. */
export const rdsReboot = defineRemediation({
  kind: 'rds-reboot',
  example: { target: 'orders-db', forceFailover: true },
  description: 'Reboots an RDS instance (RebootDBInstance), optionally failing a Multi-AZ instance over to its standby.',
  risk: 'high',
  uses: { aws: ['rds'] },
  settings: z.strictObject({
    target: rdsIdentifier,
    /** Multi-AZ only: reboot by failing over to the standby, which is faster for the clients than a restart in place. Default: false. */
    forceFailover: z._default(z.boolean(), false),
  }),
  permissions: (s, arns) => [
    { actions: ['rds:DescribeDBInstances', 'rds:RebootDBInstance'], resources: [arns.of('rds', `db:${s.target}`)] },
    { actions: ['rds:DescribeEvents'], resources: ['*'], wildcard: 'rds:DescribeEvents has no resource-level permissions: AWS accepts only "*" (read-only).' },
  ],
  targetKey: (s) => `rds:${s.target}`,
  async plan(s, { aws, clock, signal }) {
    if (!aws.rds) throw new RemediationRefusedError('no RDS client configured');
    const i = await aws.rds.describeInstance(s.target, signal);
    if (i.status !== 'available') throw new RemediationRefusedError(`${s.target} is ${i.status}; reboot only an available instance`);
    return {
      summary: `reboot ${s.target}${s.forceFailover ? ' with failover to its standby' : ''}`,
      change: { plannedAt: clock.now().toISOString(), forceFailover: s.forceFailover },
    };
  },
  async execute(s, plan, { aws }) {
    // Re-read: an instance that has left `available` since the plan is being changed by someone else.
    const i = await aws.rds!.describeInstance(s.target);
    if (i.status !== 'available') throw new RemediationRefusedError(`${s.target} is now ${i.status}, not available as planned`);
    await aws.rds!.reboot(s.target, plan.change.forceFailover);
    return `reboot of ${s.target} started`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const i = await aws.rds!.describeInstance(s.target, signal);
    if (i.status === 'rebooting') return { applied: 'yes', detail: `${s.target} is rebooting` };
    const events = await aws.rds!.eventsSince(s.target, new Date(plan.change.plannedAt), signal);
    const restart = events.find((e) => REBOOTED.test(e.message));
    if (restart) return { applied: 'yes', detail: `${s.target} is ${i.status}; "${restart.message}" at ${restart.at.toISOString()}` };
    // RDS answers RebootDBInstance with the instance already `rebooting`: still available, and no restart since, is not rebooted.
    return { applied: 'no', detail: `${s.target} is ${i.status} with no reboot event since the plan` };
  },
});
