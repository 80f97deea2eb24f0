import * as z from '../zod.js';
import { ecsTargetSchema, parseEcsTarget } from '../probes/ecs-target.js';
import { defineRemediation, RemediationRefusedError } from './remediation.js';

const revision = (arn: string) => arn.split('/').pop() ?? arn;

export const ecsRollback = defineRemediation({
  kind: 'ecs-rollback',
  description: 'Moves an ECS service back to the task definition it ran before its latest deployment.',
  risk: 'high',
  uses: { aws: ['ecs'] },
  settings: z.strictObject({ target: ecsTargetSchema }),
  targetKey: (s) => `ecs:${s.target}`,
  async plan(s, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const svc = await aws.ecs.describeService(cluster, service, signal);
    const previous = await aws.ecs.previousTaskDefinition(cluster, service, signal);
    if (previous === svc.taskDefinition) throw new RemediationRefusedError(`${s.target} already runs ${revision(previous)}, the revision before its latest deployment`);
    return { summary: `roll ${s.target} back from ${revision(svc.taskDefinition)} to ${revision(previous)}`, change: { from: svc.taskDefinition, to: previous } };
  },
  async execute(s, plan, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const { from, to } = plan.change as { from: string; to: string };
    const svc = await aws.ecs.describeService(cluster, service, signal);
    if (svc.taskDefinition !== from) throw new RemediationRefusedError(`${s.target} now runs ${revision(svc.taskDefinition)}, not ${revision(from)} as planned`);
    await aws.ecs.updateService({ cluster, service, taskDefinition: to });
    return `${s.target} rolling back to ${revision(to)}`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const { from, to } = plan.change as { from: string; to: string };
    const { taskDefinition } = await aws.ecs.describeService(cluster, service, signal);
    if (taskDefinition === to) return { applied: 'yes', detail: `${s.target} rolling back to ${revision(to)}` };
    if (taskDefinition === from) return { applied: 'no', detail: `${s.target} still runs ${revision(from)}` };
    return { applied: 'unknown', detail: `${s.target} runs ${revision(taskDefinition)}: neither ${revision(from)} nor ${revision(to)}` };
  },
});
