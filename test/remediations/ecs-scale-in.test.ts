import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkAutoscaling } from '../../shared/aws/autoscaling.js';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import { ecsScaleIn } from '../../shared/remediations/ecs-scale-in.js';
import type { ActiveIncident, RemediationContext } from '../../shared/remediations/remediation.js';
import { parseConfig } from '../../shared/config/load.js';
import { service } from '../support/ecs-fixtures.js';
import { systemClock } from '../../shared/clock.js';
import { undeclaredCalls } from '../support/declared-calls.js';

const ecs = mockClient(ECSClient);
const aas = mockClient(ApplicationAutoScalingClient);

let active: ActiveIncident[] = [];
let complete = true;
const ctx: RemediationContext = {
  aws: { ecs: new SdkEcs({ region: 'eu-west-1' }), metrics: new BatchingMetrics(), autoscaling: new SdkAutoscaling({ region: 'eu-west-1' }) },
  clock: systemClock,
  incidents: { others: async () => ({ incidents: active, complete }) },
};
const settings = ecsScaleIn.settings.parse({ target: 'prod/orders-api', step: 2, min: 1, serviceChecks: ['orders-api-health'] });
const bounds = (MinCapacity: number) => ({
  ScalableTargets: [
    {
      ServiceNamespace: 'ecs' as const,
      ResourceId: 'service/prod/orders-api',
      ScalableDimension: 'ecs:service:DesiredCount' as const,
      MinCapacity,
      MaxCapacity: 10,
      RoleARN: 'arn:aws:iam::123456789012:role/r',
      CreationTime: new Date(),
    },
  ],
});
const incident = (id: string, checkId: string, target: string): ActiveIncident => ({ id, checkId, target, summary: 'failing' });

beforeEach(() => {
  ecs.reset();
  aas.reset();
  ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 6, runningCount: 6 })], failures: [] });
  ecs.on(UpdateServiceCommand).resolves({ service: service() });
  aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
  active = [];
  complete = true;
});

describe('ecsScaleIn', () => {
  it('lowers the desired count by its step and reads the change back', async () => {
    const plan = await ecsScaleIn.plan(settings, ctx);
    expect(plan.summary).toBe('set desiredCount of prod/orders-api from 6 to 4');
    expect(await ecsScaleIn.execute(settings, plan, ctx)).toBe('desiredCount of prod/orders-api set to 4');
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toMatchObject({ cluster: 'prod', service: 'orders-api', desiredCount: 4 });
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 4 })] });
    expect((await ecsScaleIn.reconcile(settings, plan, ctx)).applied).toBe('yes');
    expect(undeclaredCalls(ecsScaleIn, { target: 'prod/orders-api', min: 1 }, [ecs, aas])).toEqual([]);
  });

  it('never goes below the autoscaling minimum, which would only scale it back out', async () => {
    aas.on(DescribeScalableTargetsCommand).resolves(bounds(5));
    expect((await ecsScaleIn.plan(settings, ctx)).change).toEqual({ from: 6, to: 5 });
    aas.on(DescribeScalableTargetsCommand).resolves(bounds(6));
    await expect(ecsScaleIn.plan(settings, ctx)).rejects.toThrow('prod/orders-api wants 6 tasks; its autoscaling minimum is 6');
  });

  it('never goes below its own minimum', async () => {
    const atFive = ecsScaleIn.settings.parse({ target: 'prod/orders-api', step: 3, min: 5 });
    expect((await ecsScaleIn.plan(atFive, ctx)).change).toEqual({ from: 6, to: 5 });
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 5, runningCount: 5 })] });
    await expect(ecsScaleIn.plan(atFive, ctx)).rejects.toThrow('prod/orders-api wants 5 tasks; the minimum is 5');
  });

  it.each([
    ['an ECS check of the service', incident('orders-ecs/1', 'orders-ecs', 'prod/orders-api')],
    ['a check the settings name', incident('orders-api-health/3', 'orders-api-health', 'https://orders.example.com/health')],
  ])('does nothing during an incident on %s', async (_, open) => {
    active = [incident('billing-ecs/2', 'billing-ecs', 'prod/billing'), open];
    await expect(ecsScaleIn.plan(settings, ctx)).rejects.toThrow(`a scale-in of prod/orders-api waits: incident ${open.id} is active (failing)`);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it("acts while another service's incident is open", async () => {
    active = [incident('billing-ecs/2', 'billing-ecs', 'prod/billing')];
    await expect(ecsScaleIn.plan(settings, ctx)).resolves.toMatchObject({ change: { from: 6, to: 4 } });
  });

  it('refuses when an incident of the service opened between the plan and the act', async () => {
    const plan = await ecsScaleIn.plan(settings, ctx);
    active = [incident('orders-ecs/1', 'orders-ecs', 'prod/orders-api')];
    await expect(ecsScaleIn.execute(settings, plan, ctx)).rejects.toThrow('a scale-in of prod/orders-api waits: incident orders-ecs/1 is active');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('refuses when it cannot see every incident, or none at all', async () => {
    complete = false;
    await expect(ecsScaleIn.plan(settings, ctx)).rejects.toThrow('a scale-in of prod/orders-api waits: more incidents are active than one read shows');
    const { incidents: _, ...blind } = ctx;
    await expect(ecsScaleIn.plan(settings, blind)).rejects.toThrow("Vigil's incidents cannot be read here");
  });

  it.each([
    [
      'mid-rollout',
      { deployments: [service().deployments![0], { ...service().deployments![0], id: 'ecs-svc/2', status: 'ACTIVE' }] },
      'a deployment is in progress',
    ],
    ['short of tasks', { desiredCount: 6, runningCount: 4, pendingCount: 2 }, 'it runs 4 of 6 tasks (2 pending)'],
  ])('does nothing while the service is %s', async (_, overrides, why) => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 6, runningCount: 6, ...overrides })] });
    await expect(ecsScaleIn.plan(settings, ctx)).rejects.toThrow(`prod/orders-api is not scaled in while ${why}`);
  });

  it('refuses when the count moved since the plan', async () => {
    const plan = await ecsScaleIn.plan(settings, ctx);
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 8, runningCount: 8 })] });
    await expect(ecsScaleIn.execute(settings, plan, ctx)).rejects.toThrow('desiredCount of prod/orders-api is now 8, not 6 as planned');
  });

  it('a config that names a check the service does not have is refused, naming the field', () => {
    const config = (serviceChecks: string[]) => ({
      checks: [{ id: 'orders-api-health', kind: 'http', target: 'https://orders.example.com/health' }],
      remediations: [{ id: 'orders-api-scale-in', kind: 'ecs-scale-in', target: 'prod/orders-api', min: 2, serviceChecks }],
    });
    expect(() => parseConfig(config(['orders-api-health', 'alarm:orders-api-5xx-rate']))).not.toThrow();
    expect(() => parseConfig(config(['orders-api-helth']))).toThrow(/remediations\[0\]\.serviceChecks\[0\].*no check has id "orders-api-helth"/s);
  });
});
