import * as z from '../zod.js';
import type { MetricsPort } from '../aws/metrics.js';
import type { ScalableTarget, ScalingActivity, ScalingPolicy } from '../aws/autoscaling.js';
import { worst, type Observation, type Status } from '../findings.js';
import { PRESETS } from './metric-presets.js';
import { ecsTargetSchema, parseEcsTarget, serviceGrant } from './ecs-target.js';
import { defineProbe } from './probe.js';

const MINUTE_MS = 60_000;
const TROUBLE = new Set(['Failed', 'Unfulfilled']);
const UNDER_WAY = new Set(['Pending', 'InProgress']);

const settings = z.strictObject({
  /** `cluster/service`. */
  target: ecsTargetSchema,
  /** Activities this recent are read. Default: 60 minutes. */
  windowMinutes: z._default(z.number().check(z.positive(), z.maximum(24 * 60)), 60),
  /** An activity still pending or in progress after this long is stuck. Default: 15 minutes. */
  stuckMinutes: z._default(z.number().check(z.positive()), 15),
  /** At its maximum with the service's CPU at or above this is a service that cannot grow: fail. Default: 80 (%). */
  cpuHighPercent: z._default(z.number().check(z.positive(), z.maximum(100)), 80),
  /** This many changes of direction (out, in, out, in) within the window is thrashing. Default: 3. */
  thrashReversals: z._default(z.int().check(z.minimum(1)), 3),
});

type Check = z.output<typeof settings>;

export const ecsAutoscalingProbe = defineProbe({
  kind: 'ecs-autoscaling',
  example: { target: 'prod/orders-api' },
  description: "An ECS service's Application Auto Scaling: at its maximum while CPU is high, failed or stuck scaling activities, thrashing, suspended scaling.",
  settings,
  uses: { aws: ['ecs', 'autoscaling', 'metrics'] },
  permissions: (check, arns) => [
    serviceGrant(check.target, arns, ['ecs:DescribeServices']),
    {
      actions: [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScalingActivities',
      ],
      resources: ['*'],
      wildcard: 'Application Auto Scaling Describe* actions have no resource-level permissions: AWS accepts only "*" (read-only).',
    },
    { actions: ['cloudwatch:GetMetricData'], resources: ['*'], wildcard: 'cloudwatch:GetMetricData has no resource-level permissions: AWS accepts only "*".' },
  ],
  describeTarget: (check) => check.target,
  secrets: () => [],
  async run(check, { aws, signal, clock }): Promise<Observation> {
    if (!aws.autoscaling) throw new Error('no Application Auto Scaling client configured');
    const { cluster, service } = parseEcsTarget(check.target);
    const resourceId = `service/${cluster}/${service}`;
    const now = clock.now();
    const scalable = await aws.autoscaling.scalableTarget(resourceId, signal);
    if (!scalable) return { status: 'warn', summary: `${check.target} has no Application Auto Scaling target: it cannot scale on its own`, observed: {} };
    const [svc, policies, activities] = await Promise.all([
      aws.ecs.describeService(cluster, service, signal),
      aws.autoscaling.policies(resourceId, signal),
      aws.autoscaling.activitiesSince(resourceId, new Date(now.getTime() - check.windowMinutes * MINUTE_MS), signal),
    ]);
    const atMax = svc.desiredCount >= scalable.max;
    const cpu = atMax ? await serviceCpu(check.target, now, aws.metrics, signal) : undefined;
    return judgeScaling(check, { desired: svc.desiredCount, scalable, policies, activities, cpu }, now);
  },
});

async function serviceCpu(target: string, now: Date, metrics: MetricsPort, signal: AbortSignal): Promise<number | undefined> {
  const series = await metrics.getMetricData(PRESETS['ecs-cpu'].queries(target, 60), new Date(now.getTime() - 10 * MINUTE_MS), now, signal);
  return series.get('value')?.values[0];
}

interface ScalingView {
  desired: number;
  scalable: ScalableTarget;
  policies: ScalingPolicy[];
  activities: ScalingActivity[];
  cpu: number | undefined;
}

/** The verdict from what Application Auto Scaling, ECS and CloudWatch answered. */
export function judgeScaling(check: Check, view: ScalingView, now: Date): Observation {
  const { desired, scalable, policies, activities, cpu } = view;
  const problems: { status: Status; text: string }[] = [];
  if (desired >= scalable.max) {
    const hot = cpu !== undefined && cpu >= check.cpuHighPercent;
    problems.push({
      status: hot ? 'fail' : 'warn',
      text: `at its maximum of ${scalable.max} tasks${cpu === undefined ? '' : ` with CPU at ${Math.round(cpu)}%`}${hot ? ': it cannot scale out further' : ''}`,
    });
  }
  if (scalable.suspended.length) problems.push({ status: 'warn', text: `scaling suspended: ${scalable.suspended.join(', ')}` });
  if (!policies.length) problems.push({ status: 'warn', text: 'no scaling policy' });
  for (const a of activities.filter((x) => TROUBLE.has(x.status)).slice(0, 2))
    problems.push({
      status: a.status === 'Failed' ? 'fail' : 'warn',
      text: `${a.status.toLowerCase()}: ${a.description}${a.message ? ` (${a.message})` : ''}`,
    });
  for (const a of activities.filter((x) => UNDER_WAY.has(x.status) && now.getTime() - x.startedAt.getTime() > check.stuckMinutes * MINUTE_MS).slice(0, 1)) {
    problems.push({ status: 'fail', text: `stuck ${Math.round((now.getTime() - a.startedAt.getTime()) / MINUTE_MS)} min ${a.status}: ${a.description}` });
  }
  const reversals = countReversals(activities);
  if (reversals >= check.thrashReversals) problems.push({ status: 'warn', text: `thrashing: ${reversals} changes of direction in ${check.windowMinutes} min` });

  const observed = {
    desired,
    min: scalable.min,
    max: scalable.max,
    activities: activities.length,
    reversals,
    ...(cpu === undefined ? {} : { cpuPercent: Math.round(cpu * 10) / 10 }),
  };
  const evidence = {
    policies: policies.map((p) => ({ name: p.name, type: p.type, ...(p.targetValue === undefined ? {} : { targetValue: p.targetValue, metric: p.metric }) })),
    activities: activities.slice(0, 10).map((a) => ({
      status: a.status,
      description: a.description,
      startedAt: a.startedAt.toISOString(),
      ...(a.message ? { message: a.message } : {}),
      ...(a.cause ? { cause: a.cause } : {}),
    })),
  };
  const range = `${desired} tasks (autoscaling ${scalable.min}–${scalable.max})`;
  if (!problems.length)
    return {
      status: 'ok',
      summary: `${range}, ${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}, ${activities.length} activit${activities.length === 1 ? 'y' : 'ies'} in ${check.windowMinutes} min`,
      observed,
      evidence,
    };
  return { status: worst(...problems.map((p) => p.status)), summary: `${range}: ${problems.map((p) => p.text).join('; ')}`, observed, evidence };
}

/** How often the desired count turned around, read from "Setting desired count to N" in successful activities (newest first). */
function countReversals(activities: ScalingActivity[]): number {
  const counts = activities
    .filter((a) => a.status === 'Successful')
    .map((a) => /desired count to (\d+)/i.exec(a.description)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .reverse();
  let reversals = 0;
  let direction = 0;
  for (let i = 1; i < counts.length; i++) {
    const d = Math.sign(counts[i]! - counts[i - 1]!);
    if (d && direction && d !== direction) reversals++;
    if (d) direction = d;
  }
  return reversals;
}
