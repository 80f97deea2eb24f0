import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkAutoscaling } from '../../shared/aws/autoscaling.js';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import { ecsRestart } from '../../shared/remediations/ecs-restart.js';
import { ecsRollback } from '../../shared/remediations/ecs-rollback.js';
import { ecsScaleOut } from '../../shared/remediations/ecs-scale-out.js';
import { mockDeploymentHistory, revisionArn, service, SERVICE_ARN, taskDef } from '../support/ecs-fixtures.js';
import { systemClock } from '../../shared/clock.js';

const ecs = mockClient(ECSClient);
const ctx = { aws: { ecs: new SdkEcs({ region: 'eu-west-1' }), metrics: new BatchingMetrics() }, clock: systemClock };

beforeEach(() => {
  ecs.reset();
  ecs.on(DescribeServicesCommand).resolves({ services: [service()], failures: [] });
  ecs.on(UpdateServiceCommand).resolves({ service: service() });
});

describe('ecsRestart', () => {
  const settings = ecsRestart.settings.parse({ target: 'prod/orders-api' });

  it('plans a forced deployment and makes exactly that call', async () => {
    const plan = await ecsRestart.plan(settings, ctx);
    expect(plan.summary).toBe('force a new deployment of prod/orders-api (3/3 running, orders-api:42)');
    expect(await ecsRestart.execute(settings, plan, ctx)).toBe('new deployment of prod/orders-api started');
    expect(ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'prod', service: 'orders-api', forceNewDeployment: true }]);
  });

  it('reads back whether a restart whose answer was lost took effect: a primary deployment other than the planned one', async () => {
    const plan = await ecsRestart.plan(settings, ctx);
    expect(plan.change).toEqual({ forceNewDeployment: true, primary: 'ecs-svc/8211771405744218530' });
    expect(await ecsRestart.reconcile(settings, plan, ctx)).toEqual({
      applied: 'no',
      detail: 'prod/orders-api still runs deployment ecs-svc/8211771405744218530',
    });
    const redeployed = service();
    redeployed.deployments = [
      { ...redeployed.deployments![0]!, id: 'ecs-svc/9000000000000000001', rolloutState: 'IN_PROGRESS' },
      { ...redeployed.deployments![0]!, status: 'ACTIVE' },
    ];
    ecs.on(DescribeServicesCommand).resolves({ services: [redeployed] });
    expect(await ecsRestart.reconcile(settings, plan, ctx)).toEqual({
      applied: 'yes',
      detail: 'new deployment ecs-svc/9000000000000000001 of prod/orders-api started',
    });
  });

  it('refuses when a deployment could stop more of the fleet at once than allowed', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 } })] });
    await expect(ecsRestart.plan(settings, ctx)).rejects.toThrow(
      'a deployment of prod/orders-api may stop 100% of its tasks at once (minimumHealthyPercent 0); the limit is 50%',
    );
  });

  it('refuses, rather than guesses, when ECS cannot resolve the service', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: SERVICE_ARN, reason: 'MISSING' }] });
    await expect(ecsRestart.plan(settings, ctx)).rejects.toMatchObject({ name: 'TargetUnresolvedError' });
  });
});

describe('ecsScaleOut', () => {
  const settings = ecsScaleOut.settings.parse({ target: 'prod/orders-api', step: 2, max: 4 });

  it('raises the desired count by its step, capped at the maximum', async () => {
    const plan = await ecsScaleOut.plan(settings, ctx);
    expect(plan).toEqual({ summary: 'set desiredCount of prod/orders-api from 3 to 4', change: { from: 3, to: 4 } });
    await ecsScaleOut.execute(settings, plan, ctx);
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({ cluster: 'prod', service: 'orders-api', desiredCount: 4 });
  });

  it('refuses at the maximum', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 4 })] });
    await expect(ecsScaleOut.plan(settings, ctx)).rejects.toThrow('prod/orders-api already wants 4 tasks; the maximum is 4');
  });

  it.each([
    [4, { applied: 'yes', detail: 'desiredCount of prod/orders-api set to 4' }],
    [3, { applied: 'no', detail: 'desiredCount of prod/orders-api is still 3' }],
    [7, { applied: 'unknown', detail: 'desiredCount of prod/orders-api is 7: neither 3 nor 4' }],
  ])('reads back a scale-out whose answer was lost (desired count now %i)', async (now, expected) => {
    const plan = await ecsScaleOut.plan(settings, ctx);
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: now })] });
    expect(await ecsScaleOut.reconcile(settings, plan, ctx)).toEqual(expected);
  });

  it('never scales in: refuses when the count moved since the plan', async () => {
    const plan = await ecsScaleOut.plan(settings, ctx);
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 6 })] });
    await expect(ecsScaleOut.execute(settings, plan, ctx)).rejects.toThrow('desiredCount of prod/orders-api is now 6, not 3 as planned');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });
});

describe('ecsRollback', () => {
  const settings = ecsRollback.settings.parse({ target: 'prod/orders-api' });
  const history = (sources: { arn: string }[]) => mockDeploymentHistory(ecs, sources);

  it('rolls back to the task definition the last deployment replaced', async () => {
    history([{ arn: revisionArn('1452345676373577011') }]);
    const plan = await ecsRollback.plan(settings, ctx);
    expect(plan.summary).toBe('roll prod/orders-api back from orders-api:42 to orders-api:41');
    await ecsRollback.execute(settings, plan, ctx);
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({ cluster: 'prod', service: 'orders-api', taskDefinition: taskDef(41) });
  });

  it.each([
    [[], /has 0 source revisions; rollback needs exactly one/],
    [[{ arn: revisionArn('1') }, { arn: revisionArn('2') }], /has 2 source revisions; rollback needs exactly one/],
  ])('refuses when the previous revision is ambiguous (%j)', async (sources, message) => {
    history(sources);
    await expect(ecsRollback.plan(settings, ctx)).rejects.toThrow(message);
  });

  it.each([
    [41, { applied: 'yes', detail: 'prod/orders-api rolling back to orders-api:41' }],
    [42, { applied: 'no', detail: 'prod/orders-api still runs orders-api:42' }],
    [43, { applied: 'unknown', detail: 'prod/orders-api runs orders-api:43: neither orders-api:42 nor orders-api:41' }],
  ])('reads back a rollback whose answer was lost (running revision %i)', async (revision, expected) => {
    history([{ arn: revisionArn('1452345676373577011') }]);
    const plan = await ecsRollback.plan(settings, ctx);
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ taskDefinition: taskDef(revision) })] });
    expect(await ecsRollback.reconcile(settings, plan, ctx)).toEqual(expected);
  });

  it('is declared high risk', () => {
    expect(ecsRollback.risk).toBe('high');
  });
});

describe('ecsScaleOut within Application Auto Scaling bounds', () => {
  const aas = mockClient(ApplicationAutoScalingClient);
  const scaled = { ...ctx, aws: { ...ctx.aws, autoscaling: new SdkAutoscaling({ region: 'eu-west-1' }) } };
  const bounds = (MinCapacity: number, MaxCapacity: number) => ({
    ScalableTargets: [
      {
        ServiceNamespace: 'ecs' as const,
        ResourceId: 'service/prod/orders-api',
        ScalableDimension: 'ecs:service:DesiredCount' as const,
        MinCapacity,
        MaxCapacity,
        RoleARN: 'arn:aws:iam::123456789012:role/r',
        CreationTime: new Date(),
      },
    ],
  });

  beforeEach(() => {
    aas.reset();
    aas.on(DescribeScalableTargetsCommand).resolves(bounds(2, 4));
    aas.on(RegisterScalableTargetCommand).resolves({});
  });

  it('never sets a count above the autoscaling maximum, which would only be scaled back', async () => {
    const settings = ecsScaleOut.settings.parse({ target: 'prod/orders-api', step: 3, max: 10 });
    expect((await ecsScaleOut.plan(settings, scaled)).change).toEqual({ from: 3, to: 4 });
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 4 })] });
    await expect(ecsScaleOut.plan(settings, scaled)).rejects.toThrow(
      'prod/orders-api already wants 4 tasks; its autoscaling maximum is 4 (set raiseMaxTo to let Vigil raise it)',
    );
  });

  it('raises the maximum to make room, within raiseMaxTo, before the count', async () => {
    const settings = ecsScaleOut.settings.parse({ target: 'prod/orders-api', step: 3, max: 10, raiseMaxTo: 6 });
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 4 })] });
    const plan = await ecsScaleOut.plan(settings, scaled);
    expect(plan).toEqual({
      summary: 'set desiredCount of prod/orders-api from 4 to 6 and its autoscaling maximum from 4 to 6',
      change: { from: 4, to: 6, maxFrom: 4, maxTo: 6 },
    });
    expect(await ecsScaleOut.execute(settings, plan, scaled)).toBe('desiredCount of prod/orders-api set to 6, autoscaling maximum 6');
    expect(aas.commandCalls(RegisterScalableTargetCommand)[0]!.args[0].input).toEqual({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: 'service/prod/orders-api',
      MaxCapacity: 6,
    });
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toMatchObject({ desiredCount: 6 });
  });

  it('refuses when the maximum moved since the plan, and reads both back after a lost answer', async () => {
    const settings = ecsScaleOut.settings.parse({ target: 'prod/orders-api', step: 1, max: 10, raiseMaxTo: 8 });
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 4 })] });
    const plan = await ecsScaleOut.plan(settings, scaled);
    aas.on(DescribeScalableTargetsCommand).resolves(bounds(2, 7));
    await expect(ecsScaleOut.execute(settings, plan, scaled)).rejects.toThrow('the autoscaling maximum of prod/orders-api is now 7, not 4 as planned');
    expect(aas.commandCalls(RegisterScalableTargetCommand)).toHaveLength(0);
    expect(await ecsScaleOut.reconcile(settings, plan, scaled)).toMatchObject({ applied: 'unknown' });
    aas.on(DescribeScalableTargetsCommand).resolves(bounds(2, 5));
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 5 })] });
    expect(await ecsScaleOut.reconcile(settings, plan, scaled)).toEqual({
      applied: 'yes',
      detail: 'desiredCount of prod/orders-api set to 5, autoscaling maximum 5',
    });
    aas.on(DescribeScalableTargetsCommand).resolves(bounds(2, 4));
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 4 })] });
    expect((await ecsScaleOut.reconcile(settings, plan, scaled)).applied).toBe('no');
  });
});
