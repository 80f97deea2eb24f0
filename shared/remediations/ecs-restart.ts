import * as z from '../zod.js';
import { ecsTargetSchema, parseEcsTarget, serviceGrant } from '../probes/ecs-target.js';
import { defineRemediation } from './remediation.js';
import { RemediationRefusedError } from '../errors.js';

export const ecsRestart = defineRemediation({
  kind: 'ecs-restart',
  example: { target: 'prod/orders-api' },
  description: 'Forces a new deployment of an ECS service (fresh tasks, same task definition).',
  risk: 'low',
  uses: { aws: ['ecs'] },
  permissions: (s, arns) => [serviceGrant(s.target, arns, ['ecs:DescribeServices', 'ecs:UpdateService'])],
  settings: z.strictObject({
    target: ecsTargetSchema,
    /** Refuse when the service's deployment could replace more than this share of tasks at once. Default: 50%. */
    maxFleetSharePercent: z._default(z.number().check(z.minimum(1), z.maximum(100)), 50),
  }),
  targetKey: (s) => `ecs:${s.target}`,
  async plan(s, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const svc = await aws.ecs.describeService(cluster, service, signal);
    if (svc.status !== 'ACTIVE') throw new RemediationRefusedError(`${s.target} is ${svc.status}, not ACTIVE`);
    // minimumHealthyPercent is what ECS keeps running during the deployment; the rest may be replaced at once.
    const share = 100 - (svc.minimumHealthyPercent ?? 100);
    if (share > s.maxFleetSharePercent) {
      throw new RemediationRefusedError(
        `a deployment of ${s.target} may stop ${share}% of its tasks at once (minimumHealthyPercent ${svc.minimumHealthyPercent}); the limit is ${s.maxFleetSharePercent}%`,
      );
    }
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY')?.id ?? null;
    return {
      summary: `force a new deployment of ${s.target} (${svc.runningCount}/${svc.desiredCount} running, ${svc.taskDefinition.split('/').pop()})`,
      change: { forceNewDeployment: true, primary },
    };
  },
  async execute(s, _plan, { aws }) {
    const { cluster, service } = parseEcsTarget(s.target);
    await aws.ecs.updateService({ cluster, service, forceNewDeployment: true });
    return `new deployment of ${s.target} started`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const primary = (await aws.ecs.describeService(cluster, service, signal)).deployments.find((d) => d.status === 'PRIMARY')?.id ?? null;
    // Another primary deployment than the one planned against: the restart this plan asked for exists.
    return primary !== plan.change.primary
      ? { applied: 'yes', detail: `new deployment ${primary} of ${s.target} started` }
      : { applied: 'no', detail: `${s.target} still runs deployment ${primary}` };
  },
});
