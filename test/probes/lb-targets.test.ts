import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkElb } from '../../shared/aws/elb.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { runOne } from '../support/checks.js';

const elb = mockClient(ElasticLoadBalancingV2Client);
const aws = { elb: new SdkElb({ region: 'eu-west-1' }) } as unknown as AwsPorts;
const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/orders-api/943f017f100becff';
const run = (extra: object = {}) => runOne({ kind: 'lb-targets', target: ARN, ...extra } as never, { aws });

// Shapes as the Elastic Load Balancing API reference documents DescribeTargetHealth (IP targets, as Fargate registers them).
const target = (ip: string, State: string, Reason?: string, Description?: string): TargetHealthDescription => ({
  Target: { Id: ip, Port: 8080, AvailabilityZone: 'eu-west-1a' },
  HealthCheckPort: '8080',
  TargetHealth: { State: State as never, ...(Reason ? { Reason: Reason as never } : {}), ...(Description ? { Description } : {}) },
});

beforeEach(() => {
  elb.reset();
  elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [target('10.0.1.10', 'healthy'), target('10.0.2.11', 'healthy')] });
});

describe('lb-targets probe', () => {
  it('passes when every target in service is healthy', async () => {
    expect(await run()).toMatchObject({
      status: 'ok',
      summary: '2 of 2 targets healthy (100%)',
      observed: { targets: 2, inService: 2, healthy: 2, healthyPercent: 100 },
    });
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0]!.args[0].input).toEqual({ TargetGroupArn: ARN });
  });

  it("names each unhealthy target with the load balancer's reason: the 503 the guide asks about", async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        target('10.0.1.10', 'healthy'),
        target('10.0.1.12', 'unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [503]'),
        target('10.0.2.11', 'unhealthy', 'Target.Timeout', 'Request timed out'),
        target('10.0.2.13', 'healthy'),
      ],
    });
    const finding = await run();
    expect(finding).toMatchObject({
      status: 'fail',
      summary:
        '2 of 4 targets healthy (50%); 10.0.1.12:8080 unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [503]; 10.0.2.11:8080 unhealthy Target.Timeout: Request timed out',
    });
    expect(finding.evidence).toMatchObject({
      byState: { healthy: 2, unhealthy: 2 },
      targets: [
        { target: '10.0.1.12:8080', reason: 'Target.ResponseCodeMismatch' },
        { target: '10.0.2.11:8080', reason: 'Target.Timeout' },
      ],
    });
  });

  it('does not count draining or unused targets for or against the share, and warns while new ones register', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        target('10.0.1.10', 'healthy'),
        target('10.0.1.11', 'healthy'),
        target('10.0.1.14', 'draining', 'Target.DeregistrationInProgress', 'Target deregistration is in progress'),
        target('10.0.2.15', 'initial', 'Elb.RegistrationInProgress', 'Target registration is in progress'),
      ],
    });
    expect(await run()).toMatchObject({
      status: 'warn',
      summary: '2 of 3 targets healthy (66.7%); 10.0.2.15:8080 initial Elb.RegistrationInProgress: Target registration is in progress',
      observed: { inService: 3 },
    });
  });

  it('fails with no targets registered, or none in service, and under minHealthy', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    expect(await run()).toMatchObject({ status: 'fail', summary: 'no targets registered' });
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [target('10.0.1.10', 'unused', 'Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer')],
    });
    expect(await run()).toMatchObject({ status: 'fail', summary: 'no target in service (1 unused)' });
    expect(await run({ minHealthy: 3 })).toMatchObject({ status: 'fail' });
  });

  it('reads a target group by name, and says when there is none', async () => {
    elb
      .on(DescribeTargetGroupsCommand)
      .resolves({ TargetGroups: [{ TargetGroupArn: ARN, TargetGroupName: 'orders-api', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' }] });
    expect(await run({ target: 'orders-api' })).toMatchObject({ status: 'ok' });
    expect(elb.commandCalls(DescribeTargetGroupsCommand)[0]!.args[0].input).toEqual({ Names: ['orders-api'] });
    elb.on(DescribeTargetGroupsCommand).rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: {} }));
    expect(await run({ target: 'orders-apx' })).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('target group orders-apx not found: check the name and the region'),
    });
  });

  it('keeps a long list to 3 named in the summary and 20 in the evidence', async () => {
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: Array.from({ length: 30 }, (_, i) => target(`10.0.3.${i}`, 'unhealthy', 'Target.FailedHealthChecks', 'Health checks failed')),
    });
    const finding = await run();
    expect(finding.summary).toMatch(/^0 of 30 targets healthy \(0%\); .*; 27 more$/);
    expect((finding.evidence!.targets as unknown[]).length).toBe(20);
  });

  it('refuses a target that is neither an ARN nor a name, naming the field', async () => {
    await expect(run({ target: 'targetgroup/orders api' })).rejects.toThrow(/checks\[0\]\.target: expected a target group ARN or name/);
  });

  it('is an error, not a pass, while the load balancer API throttles', async () => {
    elb.on(DescribeTargetHealthCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    expect(await run()).toMatchObject({ status: 'error', summary: expect.stringContaining('Rate exceeded') });
  });
});
