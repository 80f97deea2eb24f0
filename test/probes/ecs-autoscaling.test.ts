import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  type ScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkAutoscaling } from '../../shared/aws/autoscaling.js';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { fixedClock, runOne } from '../support/checks.js';
import { service } from '../support/ecs-fixtures.js';

const aas = mockClient(ApplicationAutoScalingClient);
const ecs = mockClient(ECSClient);
const cw = mockClient(CloudWatchClient);
const NOW = new Date('2026-11-23T09:00:00Z');
const aws = () =>
  ({
    ecs: new SdkEcs({ region: 'eu-west-1' }),
    metrics: new BatchingMetrics(new CloudWatchClient({ region: 'eu-west-1' })),
    autoscaling: new SdkAutoscaling({ region: 'eu-west-1' }),
  }) as unknown as AwsPorts;
const run = (extra: object = {}) => runOne({ kind: 'ecs-autoscaling', target: 'prod/orders-api', ...extra } as never, { aws: aws(), clock: fixedClock(NOW) });
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

// Shapes as the Application Auto Scaling API reference documents them.
const scalable = (min = 2, max = 10, suspended = {}) => ({
  ScalableTargets: [
    {
      ServiceNamespace: 'ecs' as const,
      ResourceId: 'service/prod/orders-api',
      ScalableDimension: 'ecs:service:DesiredCount' as const,
      MinCapacity: min,
      MaxCapacity: max,
      RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
      CreationTime: new Date('2026-01-01'),
      SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false, ...suspended },
    },
  ],
});
const activity = (minutesAgo: number, StatusCode: string, count: number, over: Partial<ScalingActivity> = {}): ScalingActivity => ({
  ActivityId: `a-${minutesAgo}`,
  ServiceNamespace: 'ecs',
  ResourceId: 'service/prod/orders-api',
  ScalableDimension: 'ecs:service:DesiredCount',
  Description: `Setting desired count to ${count}.`,
  Cause: 'monitor alarm TargetTracking-service/prod/orders-api-AlarmHigh-1 in state ALARM triggered policy cpu-target',
  StartTime: ago(minutesAgo),
  StatusCode: StatusCode as never,
  ...over,
});

beforeEach(() => {
  for (const m of [aas, ecs, cw]) m.reset();
  aas.on(DescribeScalableTargetsCommand).resolves(scalable());
  aas.on(DescribeScalingPoliciesCommand).resolves({
    ScalingPolicies: [
      {
        PolicyARN: 'arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:1',
        PolicyName: 'cpu-target',
        ServiceNamespace: 'ecs',
        ResourceId: 'service/prod/orders-api',
        ScalableDimension: 'ecs:service:DesiredCount',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 60,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
        CreationTime: new Date('2026-01-01'),
      },
    ],
  });
  aas.on(DescribeScalingActivitiesCommand).resolves({ ScalingActivities: [activity(20, 'Successful', 4)] });
  ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 4 })] });
  cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'r0_value', StatusCode: 'Complete', Values: [93.4], Timestamps: [ago(1)] }] });
});

describe('ecs-autoscaling probe', () => {
  it('passes a service inside its bounds with a policy and a recent successful activity', async () => {
    expect(await run()).toMatchObject({
      status: 'ok',
      summary: '4 tasks (autoscaling 2–10), 1 policy, 1 activity in 60 min',
      observed: { desired: 4, min: 2, max: 10 },
    });
    expect(aas.commandCalls(DescribeScalableTargetsCommand)[0]!.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceIds: ['service/prod/orders-api'],
    });
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('fails at its maximum while CPU is high: it cannot scale out further', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 10 })] });
    expect(await run()).toMatchObject({
      status: 'fail',
      summary: '10 tasks (autoscaling 2–10): at its maximum of 10 tasks with CPU at 93%: it cannot scale out further',
      observed: { cpuPercent: 93.4 },
    });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'r0_value', StatusCode: 'Complete', Values: [41], Timestamps: [ago(1)] }] });
    expect(await run()).toMatchObject({ status: 'warn', summary: '10 tasks (autoscaling 2–10): at its maximum of 10 tasks with CPU at 41%' });
  });

  it('names failed and stuck activities, with their messages', async () => {
    aas.on(DescribeScalingActivitiesCommand).resolves({
      ScalingActivities: [
        activity(30, 'InProgress', 6),
        activity(40, 'Failed', 5, {
          StatusMessage: 'Failed to set desired count to 5. Reason: The service cannot be updated: its deployment circuit breaker is open.',
        }),
      ],
    });
    expect(await run()).toMatchObject({
      status: 'fail',
      summary:
        '4 tasks (autoscaling 2–10): failed: Setting desired count to 5. (Failed to set desired count to 5. Reason: The service cannot be updated: its deployment circuit breaker is open.); stuck 30 min InProgress: Setting desired count to 6.',
    });
  });

  it('warns of thrashing: the count turning around again and again, read across pages, within the window only', async () => {
    aas
      .on(DescribeScalingActivitiesCommand)
      .resolvesOnce({ ScalingActivities: [activity(5, 'Successful', 4), activity(10, 'Successful', 6), activity(15, 'Successful', 4)], NextToken: 'p2' })
      .resolvesOnce({
        ScalingActivities: [activity(20, 'Successful', 6), activity(25, 'Successful', 4), activity(30, 'Successful', 3), activity(90, 'Successful', 8)],
        NextToken: 'p3',
      });
    const finding = await run();
    expect(finding).toMatchObject({
      status: 'warn',
      summary: '4 tasks (autoscaling 2–10): thrashing: 3 changes of direction in 60 min',
      observed: { activities: 6, reversals: 3 },
    });
    // The page that reached past the window was the last one read.
    expect(aas.commandCalls(DescribeScalingActivitiesCommand)).toHaveLength(2);
  });

  it('warns when scaling is suspended, when there is no policy, and when there is no scalable target', async () => {
    aas.on(DescribeScalableTargetsCommand).resolves(scalable(2, 10, { DynamicScalingOutSuspended: true }));
    aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    expect(await run()).toMatchObject({ status: 'warn', summary: '4 tasks (autoscaling 2–10): scaling suspended: scale-out; no scaling policy' });
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    expect(await run()).toMatchObject({ status: 'warn', summary: 'prod/orders-api has no Application Auto Scaling target: it cannot scale on its own' });
  });

  it('is an error when Application Auto Scaling keeps throttling', async () => {
    aas
      .on(DescribeScalableTargetsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    expect(await run()).toMatchObject({ status: 'error', summary: expect.stringContaining('Rate exceeded') });
  });

  it('only warns at its maximum when the CPU metric has no datapoint', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 10 })] });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'r0_value', StatusCode: 'Complete', Values: [], Timestamps: [] }] });
    expect(await run()).toMatchObject({ status: 'warn', summary: '10 tasks (autoscaling 2–10): at its maximum of 10 tasks' });
  });
});
