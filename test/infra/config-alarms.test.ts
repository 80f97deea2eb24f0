import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { VigilStack } from '../../infra/vigil-stack.js';
import { parseConfig } from '../../shared/config/load.js';
import type { VigilConfig } from '../../shared/config/schema.js';

// Alarms as code: the config's alarms section becomes CloudWatch alarms, and the runbooks that name
// them by id are what EventBridge routes their state changes to. One deploy, the whole loop.

// Bundling skipped: these tests read the template.
const synth = (config: VigilConfig) =>
  Template.fromStack(new VigilStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test', { config, environmentName: 'test' }));

const checks = [{ id: 'orders-api-service', kind: 'ecs-service', target: 'prod/orders-api' }];
const remediations = [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api' }];
const alarms = [
  {
    id: 'orders-5xx',
    preset: 'alb-5xx-rate',
    target: 'app/prod-alb/50dc6c495c0c9188',
    threshold: 5,
    evaluationPeriods: 5,
    severity: 'P1',
    tags: { service: 'orders' },
  },
  {
    id: 'orders-p95',
    description: 'p95 over 2 s',
    metric: { namespace: 'AWS/ApplicationELB', name: 'TargetResponseTime', dimensions: { LoadBalancer: 'app/prod-alb/50dc6c495c0c9188' }, stat: 'p95' },
    threshold: 2,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    missingData: 'notBreaching',
  },
  {
    id: 'orders-running',
    name: 'prod-orders-running-below-desired',
    math: {
      expression: 'running - desired',
      metrics: {
        running: { namespace: 'ECS/ContainerInsights', name: 'RunningTaskCount', dimensions: { ClusterName: 'prod', ServiceName: 'orders-api' } },
        desired: { namespace: 'ECS/ContainerInsights', name: 'DesiredTaskCount', dimensions: { ClusterName: 'prod', ServiceName: 'orders-api' } },
      },
    },
    threshold: 0,
    comparison: '<',
  },
  { id: 'orders-down', composite: 'ALARM(orders-5xx) AND ALARM(orders-running)', severity: 'P1' },
];
const runbooks = [
  {
    id: 'orders-5xx-runbook',
    match: { alarms: ['orders-5xx', 'orders-down'] },
    steps: [{ diagnose: ['orders-api-service'] }, { act: 'orders-api-restart' }, { verify: { check: 'orders-api-service' } }],
  },
];

describe('alarms defined in the config', () => {
  const t = synth(parseConfig({ checks, remediations, alarms, runbooks }));

  it('creates each metric alarm with its threshold, comparison, periods, datapoints and missing-data rule', () => {
    // Beside Vigil's own alarms on itself, one per metric alarm of the config.
    // Named per environment (vigil-<environment>-<id>) unless the config names one: two environments never share an alarm.
    const names = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName as string);
    expect(names.filter((n) => !n.startsWith('vigil-test-') || /orders/.test(n))).toEqual([
      'vigil-test-orders-5xx',
      'vigil-test-orders-p95',
      'prod-orders-running-below-desired',
    ]);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-test-orders-5xx',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 5,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'missing',
      Tags: [
        { Key: 'service', Value: 'orders' },
        { Key: 'severity', Value: 'P1' },
      ],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'vigil-test-orders-p95',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 2,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'prod-orders-running-below-desired',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 0,
    });
  });

  it("watches the preset's metric math, as the metric check reads it", () => {
    const [fiveXx] = Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'vigil-test-orders-5xx' } }));
    const metrics = fiveXx!.Properties.Metrics as {
      Id: string;
      Expression?: string;
      ReturnData: boolean;
      MetricStat?: { Metric: { MetricName: string }; Stat: string; Period: number };
    }[];
    expect(metrics.map((m) => [m.Id, m.MetricStat?.Metric.MetricName ?? m.Expression, m.ReturnData])).toEqual([
      ['elb5xx', 'HTTPCode_ELB_5XX_Count', false],
      ['target5xx', 'HTTPCode_Target_5XX_Count', false],
      ['requests', 'RequestCount', false],
      ['value', '100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests', true],
    ]);
  });

  it('makes the composite alarm over the others by name, after them', () => {
    const composites = Object.entries(t.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(composites).toHaveLength(1);
    const [, composite] = composites[0]!;
    expect(composite.Properties.AlarmRule).toBe('ALARM("vigil-test-orders-5xx") AND ALARM("prod-orders-running-below-desired")');
    expect(composite.DependsOn).toHaveLength(2);
  });

  it('routes the alarms runbooks answer to on-alarm through EventBridge, and the others to the alerts topic', () => {
    const [rule] = Object.values(t.findResources('AWS::Events::Rule'));
    expect(rule!.Properties.EventPattern.detail).toEqual({ alarmName: ['vigil-test-orders-5xx', 'vigil-test-orders-down'] });
    const [answered] = Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'vigil-test-orders-5xx' } }));
    expect(answered!.Properties.AlarmActions).toBeUndefined();
    const [other] = Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'vigil-test-orders-p95' } }));
    expect(JSON.stringify(other!.Properties.AlarmActions)).toMatch(/Alerts/);
    expect(JSON.stringify(other!.Properties.OKActions)).toMatch(/Alerts/);
  });
});

describe('an alarms section that cannot be deployed', () => {
  it.each([
    [{ id: 'a', threshold: 1 }, /alarms\[0\]: give exactly one of preset, metric, math or composite/],
    [{ id: 'a', preset: 'ecs-cpu', threshold: 80 }, /alarms\[0\]\.target: the preset ecs-cpu needs its target/],
    [{ id: 'a', preset: 'ecs-cpu', target: 'prod/orders-api' }, /alarms\[0\]\.threshold: required/],
    [{ id: 'a', composite: 'ALARM(nope)' }, /alarms\[0\]\.composite: no alarm has id "nope"/],
    [
      { id: 'a', preset: 'ecs-cpu', target: 'prod/x', threshold: 80, evaluationPeriods: 2, datapointsToAlarm: 3 },
      /alarms\[0\]\.datapointsToAlarm: at most evaluationPeriods/,
    ],
    [{ id: 'a', name: 'bad\nname', preset: 'ecs-cpu', target: 'prod/x', threshold: 80 }, /alarms\[0\]\.name: no control characters/],
  ])('refuses %j, naming the field', (alarm, message) => {
    expect(() => parseConfig({ checks, alarms: [alarm] })).toThrow(message);
  });

  it('refuses a runbook naming an alarm the section does not define', () => {
    expect(() =>
      parseConfig({
        checks,
        remediations,
        alarms: [alarms[0]],
        runbooks: [{ id: 'rb', match: { alarms: ['orders-p95'] }, steps: [{ act: 'orders-api-restart' }] }],
      }),
    ).toThrow(/runbooks\[0\]\.match\.alarms\[0\]: no alarm has id "orders-p95"; the alarms section defines: orders-5xx/);
  });

  it('refuses an alarm on CloudFront metrics unless the stack is in us-east-1, where they live', () => {
    const config = parseConfig({ checks, alarms: [{ id: 'cdn-5xx', preset: 'cloudfront-5xx-rate', target: 'E2QWRUHAPOMQZL', threshold: 5 }] });
    const inRegion = (region?: string) =>
      new VigilStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Cdn', {
        config,
        environmentName: 'test',
        ...(region ? { env: { region, account: '123456789012' } } : {}),
      });
    expect(() => inRegion('eu-west-1')).toThrow(
      /alarms\[0\]\.preset: cloudfront-5xx-rate reads metrics in us-east-1, and an alarm must be in its metric's region; this stack deploys to eu-west-1\. Watch it with a `metric` check/,
    );
    expect(() => inRegion()).toThrow(/this stack deploys to a region not set at synth/);
    const alarm = Object.values(Template.fromStack(inRegion('us-east-1')).findResources('AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.AlarmName === 'vigil-test-cdn-5xx',
    );
    expect(alarm?.Properties.Metrics[0].MetricStat.Metric).toEqual({
      Namespace: 'AWS/CloudFront',
      MetricName: '5xxErrorRate',
      Dimensions: [
        { Name: 'DistributionId', Value: 'E2QWRUHAPOMQZL' },
        { Name: 'Region', Value: 'Global' },
      ],
    });
  });
});
