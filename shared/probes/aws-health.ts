import * as z from '../zod.js';
import type { HealthEvent } from '../aws/health.js';
import type { Observation } from '../findings.js';
import { defineProbe } from './probe.js';

const NAMED = 3;
const EVIDENCE = 20;
/** More open events than this are counted, not listed: the check's verdict does not change. */
const LIMIT = 200;

const settings = z.strictObject({
  /** What the findings call it, e.g. "AWS under the orders platform". Default: the services and regions watched. */
  target: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** The services to watch, as AWS Health names them: `ECS`, `RDS`, `ELASTICLOADBALANCING`, `CLOUDFRONT`, `DOCDB`… */
  services: z.array(z.string().check(z.regex(/^[A-Z0-9_]{2,40}$/, 'expected a Health service code in capitals, e.g. "ECS"'))).check(z.minLength(1)),
  /** The regions to watch, e.g. ["eu-west-1", "global"] (`global` for CloudFront, IAM, Route 53). Default: every region. */
  regions: z.optional(
    z.array(z.string().check(z.regex(/^([a-z]{2}(-[a-z]+)+-\d|global)$/, 'expected a region code, e.g. "eu-west-1", or "global"'))).check(z.minLength(1)),
  ),
  /** The kinds of event that count. Default: issues (outages and degradations). */
  categories: z._default(z.array(z.enum(['issue', 'scheduledChange', 'accountNotification', 'investigation'])).check(z.minLength(1)), ['issue']),
});

/**
 * "Check for service outages": the open AWS Health events of the services a system runs on. One that
 * affects the account's own resources fails; a service-wide one warns. Needs a support plan that opens
 * the Health API (Business or above); without one the check says it cannot see, never that all is well.
 */
export const awsHealthProbe = defineProbe({
  kind: 'aws-health',
  example: { services: ['ECS', 'RDS', 'ELASTICLOADBALANCING'], regions: ['eu-west-1'] },
  description: 'Open AWS Health events for the services and regions a system runs on: fails on one that affects the account, warns on a service-wide one.',
  settings,
  uses: { aws: ['health'] },
  permissions: () => [
    {
      actions: ['health:DescribeEvents'],
      resources: ['*'],
      wildcard: 'health:DescribeEvents has no resource-level permissions: AWS accepts only "*" (read-only).',
    },
  ],
  egress: () => [],
  describeTarget: (check) => check.target ?? `AWS Health: ${check.services.join(', ')}${check.regions ? ` in ${check.regions.join(', ')}` : ''}`,
  secrets: () => [],
  async run(check, { aws, signal }): Promise<Observation> {
    if (!aws.health) throw new Error('no AWS Health client configured');
    const { events, capped } = await aws.health.openEvents(check, LIMIT, signal);
    return judgeHealth(events, capped);
  },
});

/** Events on the account's own resources fail, service-wide ones warn; the oldest named first. */
export function judgeHealth(events: HealthEvent[], capped: boolean): Observation {
  const ours = events.filter((e) => e.scope === 'ACCOUNT_SPECIFIC');
  const count = `${events.length}${capped ? '+' : ''}`;
  const observed = { openEvents: events.length, affectingAccount: ours.length };
  if (!events.length) return { status: 'ok', summary: 'no open AWS Health event', observed };
  const oldestFirst = [...ours, ...events.filter((e) => e.scope !== 'ACCOUNT_SPECIFIC')].sort(
    (a, b) => Number(ours.includes(b)) - Number(ours.includes(a)) || (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0),
  );
  const named = oldestFirst.slice(0, NAMED).map((e) => `${e.type} (${e.region}${e.startedAt ? ` since ${e.startedAt.toISOString()}` : ''})`);
  const more = oldestFirst.length > NAMED ? `; ${oldestFirst.length - NAMED} more` : '';
  return {
    status: ours.length ? 'fail' : 'warn',
    summary: `${count} open AWS Health event${events.length === 1 ? '' : 's'}${ours.length ? `, ${ours.length} affecting this account` : ''}: ${named.join('; ')}${more}`,
    observed,
    evidence: {
      events: oldestFirst.slice(0, EVIDENCE).map((e) => ({
        arn: e.arn,
        service: e.service,
        type: e.type,
        category: e.category,
        region: e.region,
        scope: e.scope,
        ...(e.startedAt ? { startedAt: e.startedAt.toISOString() } : {}),
      })),
    },
  };
}
