import * as z from '../zod.js';
import { ecsTargetSchema, parseEcsTarget, serviceGrant } from '../probes/ecs-target.js';
import { defineRemediation, RemediationRefusedError } from './remediation.js';

export const ecsScaleOut = defineRemediation({
  kind: 'ecs-scale-out',
  description: 'Raises an ECS service’s desired count by a step, never above a maximum and never down.',
  risk: 'low',
  uses: { aws: ['ecs'] },
  permissions: (s, arns) => [serviceGrant(s.target, arns, ['ecs:DescribeServices', 'ecs:UpdateService'])],
  settings: z.strictObject({
    target: ecsTargetSchema,
    /** Tasks added per action. Default: 1. */
    step: z._default(z.int().check(z.minimum(1)), 1),
    /** The desired count it never goes above. */
    max: z.int().check(z.minimum(1)),
  }),
  targetKey: (s) => `ecs:${s.target}`,
  async plan(s, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const svc = await aws.ecs.describeService(cluster, service, signal);
    if (svc.desiredCount >= s.max) throw new RemediationRefusedError(`${s.target} already wants ${svc.desiredCount} tasks; the maximum is ${s.max}`);
    const to = Math.min(svc.desiredCount + s.step, s.max);
    return { summary: `set desiredCount of ${s.target} from ${svc.desiredCount} to ${to}`, change: { from: svc.desiredCount, to } };
  },
  async execute(s, plan, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const { from, to } = plan.change as { from: number; to: number };
    // Someone (or autoscaling) changed it since the plan: acting now could scale in.
    const svc = await aws.ecs.describeService(cluster, service, signal);
    if (svc.desiredCount !== from) throw new RemediationRefusedError(`desiredCount of ${s.target} is now ${svc.desiredCount}, not ${from} as planned`);
    await aws.ecs.updateService({ cluster, service, desiredCount: to });
    return `desiredCount of ${s.target} set to ${to}`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const { from, to } = plan.change as { from: number; to: number };
    const { desiredCount } = await aws.ecs.describeService(cluster, service, signal);
    if (desiredCount === to) return { applied: 'yes', detail: `desiredCount of ${s.target} set to ${to}` };
    if (desiredCount === from) return { applied: 'no', detail: `desiredCount of ${s.target} is still ${from}` };
    return { applied: 'unknown', detail: `desiredCount of ${s.target} is ${desiredCount}: neither ${from} nor ${to}` };
  },
});
