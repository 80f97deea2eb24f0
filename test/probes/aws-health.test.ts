import { DescribeEventsCommand, HealthClient, type Event } from '@aws-sdk/client-health';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkHealth } from '../../shared/aws/health.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { awsHealthProbe } from '../../shared/probes/aws-health.js';
import { runOne } from '../support/checks.js';
import { undeclaredCalls } from '../support/declared-calls.js';

const health = mockClient(HealthClient);
const aws = { health: new SdkHealth() } as unknown as AwsPorts;
const settings = { services: ['ECS', 'RDS'], regions: ['eu-west-1'] };
const run = (extra: object = {}) => runOne({ kind: 'aws-health', ...settings, ...extra } as never, { aws });

// Shapes as the AWS Health API reference documents DescribeEvents.
const event = (type: string, scope: 'PUBLIC' | 'ACCOUNT_SPECIFIC', startTime: string, service = type.split('_')[1]!): Event => ({
  arn: `arn:aws:health:eu-west-1::event/${service}/${type}/${type}_${startTime.slice(0, 10)}`,
  service,
  eventTypeCode: type,
  eventTypeCategory: 'issue',
  region: 'eu-west-1',
  startTime: new Date(startTime),
  lastUpdatedTime: new Date(startTime),
  statusCode: 'open',
  eventScopeCode: scope,
});

beforeEach(() => {
  health.reset();
  health.on(DescribeEventsCommand).resolves({ events: [] });
});

describe('aws-health probe', () => {
  it("passes with no open event, asking only for the services, regions and categories it watches, from Health's one endpoint", async () => {
    expect(await run()).toMatchObject({ status: 'ok', summary: 'no open AWS Health event', observed: { openEvents: 0, affectingAccount: 0 } });
    const [call] = health.commandCalls(DescribeEventsCommand);
    expect(call!.args[0].input).toEqual({
      filter: { services: ['ECS', 'RDS'], regions: ['eu-west-1'], eventTypeCategories: ['issue'], eventStatusCodes: ['open'] },
      maxResults: 100,
    });
    expect(await (call!.thisValue as HealthClient).config.region()).toBe('us-east-1');
  });

  it('warns on a service-wide issue and fails on one that affects the account, naming that one first', async () => {
    health.on(DescribeEventsCommand).resolves({ events: [event('AWS_ECS_OPERATIONAL_ISSUE', 'PUBLIC', '2026-12-04T02:10:00Z')] });
    expect(await run()).toMatchObject({
      status: 'warn',
      summary: '1 open AWS Health event: AWS_ECS_OPERATIONAL_ISSUE (eu-west-1 since 2026-12-04T02:10:00.000Z)',
    });
    health.on(DescribeEventsCommand).resolves({
      events: [
        event('AWS_ECS_OPERATIONAL_ISSUE', 'PUBLIC', '2026-12-04T02:10:00Z'),
        event('AWS_RDS_HARDWARE_MAINTENANCE', 'ACCOUNT_SPECIFIC', '2026-12-04T02:40:00Z'),
      ],
    });
    const finding = await run();
    expect(finding).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^2 open AWS Health events, 1 affecting this account: AWS_RDS_HARDWARE_MAINTENANCE .*; AWS_ECS_OPERATIONAL_ISSUE /),
      observed: { openEvents: 2, affectingAccount: 1 },
    });
    expect(finding.evidence!.events).toMatchObject([
      { scope: 'ACCOUNT_SPECIFIC', service: 'RDS' },
      { scope: 'PUBLIC', service: 'ECS' },
    ]);
  });

  it('reads every page, and says when it stopped counting', async () => {
    const page = (n: number, start: number) =>
      Array.from({ length: n }, (_, i) => event('AWS_ECS_OPERATIONAL_ISSUE', 'PUBLIC', `2026-12-0${1 + ((start + i) % 3)}T00:00:00Z`));
    health
      .on(DescribeEventsCommand)
      .resolvesOnce({ events: page(100, 0), nextToken: 'p2' })
      .resolves({ events: page(5, 100) });
    expect(await run()).toMatchObject({ status: 'warn', observed: { openEvents: 105 } });
    expect(health.commandCalls(DescribeEventsCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'p2']);
    health.reset();
    health.on(DescribeEventsCommand).resolves({ events: page(100, 0), nextToken: 'more' });
    const capped = await run();
    expect(capped.summary).toMatch(/^200\+ open AWS Health events: .*; 197 more$/);
    expect(health.commandCalls(DescribeEventsCommand)).toHaveLength(2);
  });

  it('says it cannot see, never that all is well, when the account has no support plan that opens the Health API', async () => {
    health
      .on(DescribeEventsCommand)
      .rejects(Object.assign(new Error('AWS Premium Support Subscription is required to use this service.'), { name: 'SubscriptionRequiredException' }));
    expect(await run()).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('setup error: the AWS Health API answers only accounts with a Business'),
    });
  });

  it('refuses a service or region it could never match, naming the field', async () => {
    await expect(run({ services: ['ecs'] })).rejects.toThrow(/checks\[0\]\.services\[0\]: expected a Health service code in capitals/);
    await expect(run({ regions: ['Ireland'] })).rejects.toThrow(/checks\[0\]\.regions\[0\]: expected a region code/);
  });

  it('calls nothing it did not declare', async () => {
    health.on(DescribeEventsCommand).resolvesOnce({ events: [], nextToken: 'p2' }).resolves({ events: [] });
    await run();
    expect(undeclaredCalls(awsHealthProbe, settings, [health])).toEqual([]);
    expect(health.calls()).toHaveLength(2);
  });
});
