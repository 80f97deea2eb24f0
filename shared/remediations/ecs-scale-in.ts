import * as z from '../zod.js';
import { ecsTargetSchema, parseEcsTarget, serviceGrant } from '../probes/ecs-target.js';
import type { EcsService } from '../aws/ecs.js';
import { defineRemediation, type ActiveIncident, type RemediationContext } from './remediation.js';
import { autoscalingBounds, describeScalableTargetsGrant } from './ecs-scaling.js';
import { RemediationRefusedError } from '../errors.js';
import { refuseDuringIncident, serviceChecksNamed, serviceChecksSetting } from './incident-hold.js';

/** Whether an incident is the service's: of a check whose target is the service (an ECS check's `cluster/service`), or of a check or alarm the settings name. */
export const isServiceIncident = (incident: ActiveIncident, target: string, serviceChecks: readonly string[]) =>
  incident.target === target || serviceChecks.includes(incident.checkId);

/** Why the service should not lose a task now, or undefined: it is mid-rollout, or short of what it wants. */
function unsteady(svc: EcsService): string | undefined {
  if (svc.status !== 'ACTIVE') return `it is ${svc.status}`;
  if (svc.deployments.length > 1) return `a deployment is in progress (${svc.deployments.length} deployments)`;
  if (svc.runningCount < svc.desiredCount || svc.pendingCount > 0)
    return `it runs ${svc.runningCount} of ${svc.desiredCount} tasks${svc.pendingCount ? ` (${svc.pendingCount} pending)` : ''}`;
  return undefined;
}

/** Refuses during an incident of the service, or while the incidents cannot all be read. */
const holdDuringIncidents = (s: { target: string; serviceChecks: string[] }, ctx: RemediationContext) =>
  refuseDuringIncident(ctx, (i) => isServiceIncident(i, s.target, s.serviceChecks), `a scale-in of ${s.target}`);

export const ecsScaleIn = defineRemediation({
  kind: 'ecs-scale-in',
  example: { target: 'prod/orders-api', step: 1, min: 2, serviceChecks: ['alarm:orders-api-5xx-rate'] },
  description:
    'Lowers an ECS service’s desired count by a step, never below a minimum nor its autoscaling minimum; never mid-rollout, short of tasks, or during an incident of the service.',
  risk: 'low',
  uses: { aws: ['ecs', 'autoscaling'] },
  permissions: (s, arns) => [serviceGrant(s.target, arns, ['ecs:DescribeServices', 'ecs:UpdateService']), describeScalableTargetsGrant],
  settings: z.strictObject({
    target: ecsTargetSchema,
    /** Tasks removed per action. Default: 1. */
    step: z._default(z.int().check(z.minimum(1)), 1),
    /** The desired count it never goes below. */
    min: z.int().check(z.minimum(1)),
    /**
     * Checks (by id) and alarms (`alarm:<name>`) whose incidents are this service's too, besides its ECS
     * checks: its health check, its load balancer's. While one is open or acknowledged, it does not act.
     */
    serviceChecks: serviceChecksSetting,
  }),
  namedChecks: serviceChecksNamed,
  targetKey: (s) => `ecs:${s.target}`,
  async plan(s, ctx) {
    const { cluster, service } = parseEcsTarget(s.target);
    const svc = await ctx.aws.ecs.describeService(cluster, service, ctx.signal);
    const why = unsteady(svc);
    if (why) throw new RemediationRefusedError(`${s.target} is not scaled in while ${why}`);
    const bounds = await autoscalingBounds(ctx.aws, s.target, ctx.signal);
    // Below its autoscaling minimum, autoscaling would only scale the service back out.
    const floor = Math.max(s.min, bounds?.min ?? 1);
    if (svc.desiredCount <= floor) {
      const which = bounds && bounds.min > s.min ? `its autoscaling minimum is ${bounds.min}` : `the minimum is ${s.min}`;
      throw new RemediationRefusedError(`${s.target} wants ${svc.desiredCount} tasks; ${which}`);
    }
    await holdDuringIncidents(s, ctx);
    const to = Math.max(svc.desiredCount - s.step, floor);
    return { summary: `set desiredCount of ${s.target} from ${svc.desiredCount} to ${to}`, change: { from: svc.desiredCount, to } };
  },
  async execute(s, plan, ctx) {
    const { cluster, service } = parseEcsTarget(s.target);
    const { from, to } = plan.change;
    // Read again just before acting: a count someone moved, or an incident opened since the plan, stops it.
    const svc = await ctx.aws.ecs.describeService(cluster, service, ctx.signal);
    if (svc.desiredCount !== from) throw new RemediationRefusedError(`desiredCount of ${s.target} is now ${svc.desiredCount}, not ${from} as planned`);
    await holdDuringIncidents(s, ctx);
    await ctx.aws.ecs.updateService({ cluster, service, desiredCount: to });
    return `desiredCount of ${s.target} set to ${to}`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const { cluster, service } = parseEcsTarget(s.target);
    const { from, to } = plan.change;
    const { desiredCount } = await aws.ecs.describeService(cluster, service, signal);
    if (desiredCount === to) return { applied: 'yes', detail: `desiredCount of ${s.target} set to ${to}` };
    if (desiredCount === from) return { applied: 'no', detail: `desiredCount of ${s.target} is still ${from}` };
    return { applied: 'unknown', detail: `desiredCount of ${s.target} is ${desiredCount}: neither ${from} nor ${to}` };
  },
});
