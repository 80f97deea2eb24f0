import * as z from '../zod.js';
import type { TargetState } from '../aws/elb.js';
import type { Observation } from '../findings.js';
import { gradeLower, lowerLimits } from '../thresholds.js';
import { defineProbe } from './probe.js';

/** Targets that are leaving or not in an enabled zone: not counted for or against the share. */
const NOT_SERVING = new Set(['draining', 'unused']);
const NAMED = 3;
const EVIDENCE = 20;

const settings = z.strictObject({
  /** The target group's ARN, or its name (read with DescribeTargetGroups). */
  target: z
    .string()
    .check(
      z.regex(
        /^(arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+|[A-Za-z0-9-]{1,32})$/,
        'expected a target group ARN or name, e.g. "orders-api"',
      ),
    ),
  /** Healthy targets as a share of those in service, in %: warn and fail at or below. Default: warn 99 (any target down), fail 50. */
  thresholds: z.prefault(z.strictObject({ healthyPercent: lowerLimits(99, 50) }), {}),
  /** Fewer healthy targets than this fails, whatever the share. Default: 1. */
  minHealthy: z._default(z.int().check(z.minimum(0)), 1),
});

export const lbTargetsProbe = defineProbe({
  kind: 'lb-targets',
  example: { target: 'orders-api' },
  description: "A load balancer target group's health: each target's state and the load balancer's reason (DescribeTargetHealth), and the healthy share.",
  settings,
  uses: { aws: ['elb'] },
  permissions: () => [
    {
      actions: ['elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTargetGroups'],
      resources: ['*'],
      wildcard: 'Elastic Load Balancing Describe* actions have no resource-level permissions: AWS accepts only "*" (read-only).',
    },
  ],
  describeTarget: (check) => (check.target.startsWith('arn:') ? check.target.split(':').at(-1)! : `targetgroup ${check.target}`),
  secrets: () => [],
  async run(check, { aws, signal }): Promise<Observation> {
    if (!aws.elb) throw new Error('no load balancer client configured');
    const { targets } = await aws.elb.targetHealth(check.target, signal);
    return judgeTargets(targets, check);
  },
});

/** The healthy share of the targets in service, graded; the others named with the load balancer's reason. */
export function judgeTargets(targets: TargetState[], check: z.output<typeof settings>): Observation {
  const serving = targets.filter((t) => !NOT_SERVING.has(t.state));
  const healthy = serving.filter((t) => t.state === 'healthy');
  const troubled = serving.filter((t) => t.state !== 'healthy');
  const byState = Object.fromEntries([...new Set(targets.map((t) => t.state))].map((s) => [s, targets.filter((t) => t.state === s).length]));
  const percent = serving.length ? Math.round((1000 * healthy.length) / serving.length) / 10 : 0;
  const observed = { targets: targets.length, inService: serving.length, healthy: healthy.length, healthyPercent: percent };
  const evidence = {
    byState,
    targets: troubled.slice(0, EVIDENCE).map((t) => ({
      target: t.target,
      state: t.state,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.description ? { description: t.description } : {}),
      ...(t.availabilityZone ? { zone: t.availabilityZone } : {}),
    })),
  };
  if (!serving.length)
    return { status: 'fail', summary: targets.length ? `no target in service (${describeStates(byState)})` : 'no targets registered', observed, evidence };
  const status = healthy.length < check.minHealthy ? 'fail' : gradeLower(percent, check.thresholds.healthyPercent);
  const head = `${healthy.length} of ${serving.length} targets healthy (${percent}%)`;
  if (!troubled.length) return { status, summary: head, observed, evidence };
  const named = troubled.slice(0, NAMED).map((t) => `${t.target} ${t.state}${t.reason ? ` ${t.reason}` : ''}${t.description ? `: ${t.description}` : ''}`);
  const more = troubled.length > NAMED ? `; ${troubled.length - NAMED} more` : '';
  return { status, summary: `${head}; ${named.join('; ')}${more}`, observed, evidence };
}

const describeStates = (byState: Record<string, number>) =>
  Object.entries(byState)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
