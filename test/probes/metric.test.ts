import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import { parseConfig } from '../../shared/config/load.js';
import { runChecks } from '../../shared/engine/runner.js';
import { probeRegistry } from '../../shared/probes/index.js';
import { fixedClock, runOne } from '../support/checks.js';

const cw = mockClient(CloudWatchClient);
const now = new Date('2026-11-23T03:00:00Z');
const portsWith = (metrics: BatchingMetrics) => ({ ecs: new SdkEcs(), metrics });
const aws = () => portsWith(new BatchingMetrics(new CloudWatchClient({ region: 'eu-west-1' })));

/** Answers every query id it is asked for with `values` (newest first), as GetMetricData does. */
function answer(valuesById: (id: string) => number[]) {
  cw.on(GetMetricDataCommand).callsFake((input) => ({
    MetricDataResults: input.MetricDataQueries.filter((q: { ReturnData?: boolean }) => q.ReturnData !== false).map((q: { Id: string }) => ({
      Id: q.Id,
      Label: q.Id,
      StatusCode: 'Complete',
      Timestamps: valuesById(q.Id).map((_, i) => new Date(now.getTime() - (i + 1) * 60_000)),
      Values: valuesById(q.Id),
    })),
    Messages: [],
  }));
}

beforeEach(() => cw.reset());

describe('metricProbe', () => {
  it('reads metric math over several series of custom metrics, the expression over their ids', async () => {
    answer(() => [12.5]);
    const m = (name: string) => ({ namespace: 'Orders', name, dimensions: { Service: 'checkout' }, stat: 'Sum' });
    const f = await runOne(
      {
        kind: 'metric',
        target: 'checkout error rate',
        math: { expression: '100 * errors / requests', metrics: { errors: m('Errors'), requests: m('Requests') } },
        thresholds: { warn: 5, fail: 10 },
      },
      { clock: fixedClock(now), aws: aws() },
    );
    expect(f).toMatchObject({ status: 'fail', observed: { value: 12.5 } });
    const queries = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(queries.map((q) => [q.Id, q.MetricStat?.Metric?.MetricName ?? q.Expression, q.ReturnData])).toEqual([
      ['r0_errors', 'Errors', false],
      ['r0_requests', 'Requests', false],
      ['r0_value', '100 * r0_errors / r0_requests', true],
    ]);
  });

  it.each([
    [
      'msk-offset-lag',
      'orders-msk/billing-consumers/orders',
      'AWS/Kafka',
      'SumOffsetLag',
      { 'Cluster Name': 'orders-msk', 'Consumer Group': 'billing-consumers', Topic: 'orders' },
    ],
    ['sqs-dlq-depth', 'orders-dlq', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: 'orders-dlq' }],
    ['elasticache-memory', 'orders-cache-0001-001', 'AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', { CacheClusterId: 'orders-cache-0001-001' }],
    ['lambda-errors', 'orders-worker', 'AWS/Lambda', 'Errors', { FunctionName: 'orders-worker' }],
    ['rds-free-storage', 'orders-db', 'AWS/RDS', 'FreeStorageSpace', { DBInstanceIdentifier: 'orders-db' }],
    ['aurora-replica-lag', 'orders-aurora-2', 'AWS/RDS', 'AuroraReplicaLag', { DBInstanceIdentifier: 'orders-aurora-2' }],
    ['rds-write-latency', 'orders-db', 'AWS/RDS', 'WriteLatency', { DBInstanceIdentifier: 'orders-db' }],
  ])('reads the %s preset from its namespace with its dimensions', async (preset, target, namespace, name, dims) => {
    answer(() => [0]);
    await runOne({ kind: 'metric', preset, target } as never, { clock: fixedClock(now), aws: aws() });
    const [query] = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(query!.MetricStat!.Metric).toEqual({
      Namespace: namespace,
      MetricName: name,
      Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
    });
  });

  it("measures a Lambda's duration against its timeout, which it needs", async () => {
    answer(() => [90]);
    const f = await runOne(
      { kind: 'metric', preset: 'lambda-duration', target: 'orders-worker', functionTimeoutSeconds: 30 },
      { clock: fixedClock(now), aws: aws() },
    );
    expect(f).toMatchObject({ status: 'warn' });
    expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!.at(-1)!.Expression).toBe('100 * r0_ms / 30000');
    expect(() => parseConfig({ checks: [{ id: 'x', kind: 'metric', preset: 'lambda-duration', target: 'orders-worker' }] })).toThrow(
      /checks\[0\]\.functionTimeoutSeconds: lambda-duration measures against the function's timeout/,
    );
  });

  it("measures an RDS instance's connections against its max_connections, which it needs", async () => {
    answer(() => [92.5]);
    const f = await runOne({ kind: 'metric', preset: 'rds-connections', target: 'orders-db', maxConnections: 1600 }, { clock: fixedClock(now), aws: aws() });
    expect(f).toMatchObject({ status: 'fail', summary: '92.5 % (fail at 90 %)' });
    expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!.at(-1)!.Expression).toBe('100 * r0_connections / 1600');
    expect(() => parseConfig({ checks: [{ id: 'x', kind: 'metric', preset: 'rds-connections', target: 'orders-db' }] })).toThrow(
      /checks\[0\]\.maxConnections: rds-connections measures against the instance's max_connections/,
    );
  });

  it("reads CloudFront's presets from us-east-1 whatever Vigil's region, in a call of their own", async () => {
    answer(() => [7.5]);
    const regions: string[] = [];
    const metrics = new BatchingMetrics(new CloudWatchClient({ region: 'eu-west-1' }), (region) => {
      regions.push(region);
      return new CloudWatchClient({ region });
    });
    const config = parseConfig({
      checks: [
        { id: 'cdn-5xx', kind: 'metric', preset: 'cloudfront-5xx-rate', target: 'E2QWRUHAPOMQZL' },
        { id: 'cdn-hits', kind: 'metric', preset: 'cloudfront-cache-hit-rate', target: 'E2QWRUHAPOMQZL' },
        { id: 'alb-5xx', kind: 'metric', preset: 'alb-5xx-rate', target: 'app/prod-alb/1' },
      ],
    });
    const findings = await runChecks(config.checks, {
      probes: probeRegistry,
      concurrency: 3,
      defaultTimeoutMs: 5_000,
      clock: fixedClock(now),
      aws: portsWith(metrics),
    });
    expect(findings.map((f) => [f.checkId, f.status])).toEqual([
      ['cdn-5xx', 'fail'],
      ['cdn-hits', 'fail'],
      ['alb-5xx', 'fail'],
    ]);
    expect(regions).toEqual(['us-east-1']);
    const calls = await Promise.all(
      cw
        .commandCalls(GetMetricDataCommand)
        .map(async (c) => [await c.thisValue.config.region(), c.args[0].input.MetricDataQueries!.map((q) => q.MetricStat?.Metric?.MetricName ?? q.Expression)]),
    );
    expect(calls.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['eu-west-1', ['HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'RequestCount', expect.any(String)]],
      ['us-east-1', ['5xxErrorRate', 'CacheHitRate']],
    ]);
    const cdn = cw.commandCalls(GetMetricDataCommand).find((c) => c.args[0].input.MetricDataQueries!.length === 2)!;
    expect(cdn.args[0].input.MetricDataQueries![0]!.MetricStat!.Metric!.Dimensions).toEqual([
      { Name: 'DistributionId', Value: 'E2QWRUHAPOMQZL' },
      { Name: 'Region', Value: 'Global' },
    ]);
  });

  it('computes the ALB 5XX rate from three metrics in one call and grades it', async () => {
    answer(() => [6.25, 0.4]);
    const f = await runOne({ kind: 'metric', preset: 'alb-5xx-rate', target: 'app/prod-alb/50dc6c495c0c9188' }, { clock: fixedClock(now), aws: aws() });
    expect(f).toMatchObject({ status: 'fail', summary: '6.25 % (fail at 5 %)', observed: { value: 6.25 } });
    const [call] = cw.commandCalls(GetMetricDataCommand);
    const input = call!.args[0].input;
    expect(input.MetricDataQueries!.map((q) => q.Id)).toEqual(['r0_elb5xx', 'r0_target5xx', 'r0_requests', 'r0_value']);
    expect(input.MetricDataQueries![3]!.Expression).toBe('100 * (FILL(r0_elb5xx, 0) + FILL(r0_target5xx, 0)) / r0_requests');
    expect(input.MetricDataQueries![0]!.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_ELB_5XX_Count',
        Dimensions: [{ Name: 'LoadBalancer', Value: 'app/prod-alb/50dc6c495c0c9188' }],
      },
      Period: 60,
      Stat: 'Sum',
    });
    expect(input.StartTime).toEqual(new Date('2026-11-23T02:50:00Z'));
  });

  it('grades a lower-is-worse metric from below', async () => {
    answer(() => [1.5]);
    const f = await runOne({ kind: 'metric', preset: 'docdb-free-local-storage', target: 'orders-docdb-1' }, { clock: fixedClock(now), aws: aws() });
    expect(f).toMatchObject({ status: 'fail', summary: '1.5 GiB (fail below 2 GiB)' });
  });

  it('reads DocumentDB replica lag in seconds from DBInstanceReplicaLag (milliseconds)', async () => {
    answer(() => [45]);
    const f = await runOne({ kind: 'metric', preset: 'docdb-replica-lag', target: 'orders-docdb-2' }, { clock: fixedClock(now), aws: aws() });
    expect(f).toMatchObject({ status: 'warn', summary: '45 s (warn at 30 s)' });
    const queries = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(queries[0]!.MetricStat).toMatchObject({
      Metric: { Namespace: 'AWS/DocDB', MetricName: 'DBInstanceReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-docdb-2' }] },
      Stat: 'Maximum',
    });
    expect(queries[1]!.Expression).toBe('r0_ms / 1000');
  });

  it.each([
    ['warn', 'warn'],
    ['ok', 'ok'],
    ['fail', 'fail'],
  ] as const)('reports no data as its own outcome (noData: %s)', async (noData, status) => {
    answer(() => []);
    const f = await runOne({ kind: 'metric', preset: 'ecs-cpu', target: 'prod/orders-api', noData }, { clock: fixedClock(now), aws: aws() });
    expect(f).toMatchObject({ status, summary: 'no data in the last 10 minutes' });
  });

  it('reads a custom metric with its own thresholds', async () => {
    answer(() => [42]);
    const f = await runOne(
      {
        kind: 'metric',
        target: 'queue depth',
        metric: { namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: 'orders' }, stat: 'Maximum' },
        thresholds: { warn: 100, fail: 1000 },
      },
      { clock: fixedClock(now), aws: aws() },
    );
    expect(f).toMatchObject({ status: 'ok', summary: '42' });
  });

  it('asks CloudWatch once for a whole round of metric checks', async () => {
    answer((id) => (id.endsWith('value') ? [Number(id.slice(1, id.indexOf('_'))) * 10] : []));
    const config = parseConfig({
      checks: Array.from({ length: 20 }, (_, i) => ({ id: `cpu-${i}`, kind: 'metric', preset: 'ecs-cpu', target: `prod/svc-${i}` })),
    });
    const metrics = new BatchingMetrics(new CloudWatchClient({ region: 'eu-west-1' }));
    const findings = await runChecks(config.checks, {
      probes: probeRegistry,
      concurrency: 20,
      defaultTimeoutMs: 5000,
      clock: fixedClock(now),
      aws: portsWith(metrics),
    });
    expect(metrics.callCount).toBe(1);
    expect(new Set(findings.map((f) => f.observed.value)).size).toBe(20);
  });

  it.each([
    [{ target: 'x' }, 'checks[0]: give one of "preset", "metric" or "math"'],
    [{ target: 'x', metric: { namespace: 'A', name: 'B' } }, 'checks[0].thresholds: a custom metric needs thresholds: { warn, fail }'],
    [{ target: 'app/alb/1', preset: 'alb-unhealthy-hosts' }, 'checks[0].targetGroup: alb-unhealthy-hosts measures against the TargetGroup dimension'],
  ])('rejects %j with a clear error', (settings, message) => {
    expect(() => parseConfig({ checks: [{ id: 'm', kind: 'metric', ...settings }] })).toThrow(message);
  });
});
