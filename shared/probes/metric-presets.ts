import * as z from '../zod.js';
import type { MetricDataQuery } from '../aws/metrics.js';
import type { Limits } from '../thresholds.js';

/** Settings some presets measure against. */
export interface PresetExtra {
  targetGroup?: string | undefined;
  functionTimeoutSeconds?: number | undefined;
  maxConnections?: number | undefined;
}

export interface Preset {
  description: string;
  unit: string;
  /** Higher is worse (`above`) or lower is worse (`below`). */
  direction: 'above' | 'below';
  limits: Limits;
  /** What `target` names for this preset. */
  targetHint: string;
  /** Where the metric lives when not in Vigil's region: CloudFront publishes only to us-east-1. */
  region?: string;
  /** A setting the preset measures against, and how to find it. */
  needs?: { field: keyof PresetExtra; hint: string };
  queries(target: string, periodSeconds: number, extra: PresetExtra): MetricDataQuery[];
}

const stat = (
  id: string,
  namespace: string,
  name: string,
  dims: Record<string, string>,
  statistic: string,
  period: number,
  returnData = false,
): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: namespace, MetricName: name, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
    Period: period,
    Stat: statistic,
  },
  ReturnData: returnData,
});

const ecsDims = (target: string) => {
  const [ClusterName, ServiceName] = target.split('/');
  return { ClusterName: ClusterName!, ServiceName: ServiceName! };
};

/** The guides' metrics, each one GetMetricData query set whose `value` series is judged. */
export const PRESETS = {
  'alb-5xx-rate': {
    description: 'ALB 5XX responses (load balancer and targets) as a percentage of requests',
    unit: '%',
    direction: 'above',
    limits: { warn: 1, fail: 5 },
    targetHint: 'the LoadBalancer dimension, e.g. "app/prod-alb/50dc6c495c0c9188"',
    queries: (lb, p) => [
      stat('elb5xx', 'AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', { LoadBalancer: lb }, 'Sum', p),
      stat('target5xx', 'AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', { LoadBalancer: lb }, 'Sum', p),
      stat('requests', 'AWS/ApplicationELB', 'RequestCount', { LoadBalancer: lb }, 'Sum', p),
      { Id: 'value', Expression: '100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests', ReturnData: true },
    ],
  },
  'alb-p95-latency': {
    description: 'ALB TargetResponseTime, p95, in seconds',
    unit: 's',
    direction: 'above',
    limits: { warn: 0.5, fail: 2 },
    targetHint: 'the LoadBalancer dimension',
    queries: (lb, p) => [stat('value', 'AWS/ApplicationELB', 'TargetResponseTime', { LoadBalancer: lb }, 'p95', p, true)],
  },
  'alb-unhealthy-hosts': {
    description: 'ALB UnHealthyHostCount of one target group',
    unit: 'hosts',
    direction: 'above',
    limits: { warn: 1, fail: 2 },
    targetHint: 'the LoadBalancer dimension, with `targetGroup` set to the TargetGroup dimension',
    needs: { field: 'targetGroup', hint: 'the TargetGroup dimension, e.g. "targetgroup/api/943f017f100becff"' },
    queries: (lb, p, { targetGroup }) => [
      stat('value', 'AWS/ApplicationELB', 'UnHealthyHostCount', { LoadBalancer: lb, TargetGroup: targetGroup ?? '' }, 'Maximum', p, true),
    ],
  },
  'ecs-cpu': {
    description: 'ECS service CPUUtilization',
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: '"cluster/service"',
    queries: (t, p) => [stat('value', 'AWS/ECS', 'CPUUtilization', ecsDims(t), 'Average', p, true)],
  },
  'ecs-memory': {
    description: 'ECS service MemoryUtilization',
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: '"cluster/service"',
    queries: (t, p) => [stat('value', 'AWS/ECS', 'MemoryUtilization', ecsDims(t), 'Average', p, true)],
  },
  'docdb-free-local-storage': {
    description: 'DocumentDB FreeLocalStorage of one instance, in GiB (DocumentDB names it so; RDS calls it FreeStorageSpace)',
    unit: 'GiB',
    direction: 'below',
    limits: { warn: 10, fail: 2 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [
      stat('bytes', 'AWS/DocDB', 'FreeLocalStorage', { DBInstanceIdentifier: id }, 'Minimum', p),
      { Id: 'value', Expression: 'bytes / 1073741824', ReturnData: true },
    ],
  },
  'docdb-cpu': {
    description: 'DocumentDB CPUUtilization of one instance',
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [stat('value', 'AWS/DocDB', 'CPUUtilization', { DBInstanceIdentifier: id }, 'Average', p, true)],
  },
  'docdb-connections': {
    description: 'DocumentDB DatabaseConnections as a percentage of DatabaseConnectionsLimit, of one instance',
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [
      stat('connections', 'AWS/DocDB', 'DatabaseConnectionsMax', { DBInstanceIdentifier: id }, 'Maximum', p),
      stat('limit', 'AWS/DocDB', 'DatabaseConnectionsLimit', { DBInstanceIdentifier: id }, 'Maximum', p),
      { Id: 'value', Expression: '100 * connections / limit', ReturnData: true },
    ],
  },
  'docdb-replica-lag': {
    description: 'DocumentDB DBInstanceReplicaLag of one replica instance, in seconds (DocumentDB has no replSetGetStatus to read it from)',
    unit: 's',
    direction: 'above',
    limits: { warn: 30, fail: 300 },
    targetHint: 'the DBInstanceIdentifier of a replica',
    queries: (id, p) => [
      stat('ms', 'AWS/DocDB', 'DBInstanceReplicaLag', { DBInstanceIdentifier: id }, 'Maximum', p),
      { Id: 'value', Expression: 'ms / 1000', ReturnData: true },
    ],
  },
  'rds-free-storage': {
    description: 'RDS FreeStorageSpace of one instance, in GiB',
    unit: 'GiB',
    direction: 'below',
    limits: { warn: 20, fail: 5 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [
      stat('bytes', 'AWS/RDS', 'FreeStorageSpace', { DBInstanceIdentifier: id }, 'Minimum', p),
      { Id: 'value', Expression: 'bytes / 1073741824', ReturnData: true },
    ],
  },
  'rds-connections': {
    description: "RDS DatabaseConnections as a percentage of the instance's max_connections (`maxConnections`)",
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: 'the DBInstanceIdentifier, with `maxConnections`',
    needs: {
      field: 'maxConnections',
      hint: "the instance's max_connections (SHOW max_connections; the class's memory and the parameter group set it), e.g. 1700",
    },
    queries: (id, p, { maxConnections }) => [
      stat('connections', 'AWS/RDS', 'DatabaseConnections', { DBInstanceIdentifier: id }, 'Maximum', p),
      { Id: 'value', Expression: `100 * connections / ${maxConnections ?? 100}`, ReturnData: true },
    ],
  },
  'rds-replica-lag': {
    description: 'RDS ReplicaLag of a read replica, in seconds',
    unit: 's',
    direction: 'above',
    limits: { warn: 30, fail: 300 },
    targetHint: 'the DBInstanceIdentifier of a read replica',
    queries: (id, p) => [stat('value', 'AWS/RDS', 'ReplicaLag', { DBInstanceIdentifier: id }, 'Maximum', p, true)],
  },
  'aurora-replica-lag': {
    description: 'Aurora AuroraReplicaLag of a reader instance, in milliseconds',
    unit: 'ms',
    direction: 'above',
    limits: { warn: 100, fail: 1000 },
    targetHint: 'the DBInstanceIdentifier of an Aurora reader',
    queries: (id, p) => [stat('value', 'AWS/RDS', 'AuroraReplicaLag', { DBInstanceIdentifier: id }, 'Maximum', p, true)],
  },
  'rds-cpu': {
    description: 'RDS CPUUtilization of one instance',
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [stat('value', 'AWS/RDS', 'CPUUtilization', { DBInstanceIdentifier: id }, 'Average', p, true)],
  },
  'rds-freeable-memory': {
    description: 'RDS FreeableMemory of one instance, in GiB (set thresholds from the instance class)',
    unit: 'GiB',
    direction: 'below',
    limits: { warn: 1, fail: 0.25 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [
      stat('bytes', 'AWS/RDS', 'FreeableMemory', { DBInstanceIdentifier: id }, 'Minimum', p),
      { Id: 'value', Expression: 'bytes / 1073741824', ReturnData: true },
    ],
  },
  'rds-read-latency': {
    description: 'RDS ReadLatency of one instance, in milliseconds',
    unit: 'ms',
    direction: 'above',
    limits: { warn: 20, fail: 100 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [
      stat('s', 'AWS/RDS', 'ReadLatency', { DBInstanceIdentifier: id }, 'Average', p),
      { Id: 'value', Expression: 's * 1000', ReturnData: true },
    ],
  },
  'rds-write-latency': {
    description: 'RDS WriteLatency of one instance, in milliseconds',
    unit: 'ms',
    direction: 'above',
    limits: { warn: 20, fail: 100 },
    targetHint: 'the DBInstanceIdentifier',
    queries: (id, p) => [
      stat('s', 'AWS/RDS', 'WriteLatency', { DBInstanceIdentifier: id }, 'Average', p),
      { Id: 'value', Expression: 's * 1000', ReturnData: true },
    ],
  },
  'elasticache-memory': {
    description: 'ElastiCache (Redis, Valkey) DatabaseMemoryUsagePercentage: used memory against maxmemory',
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: 'the CacheClusterId (a node, e.g. "orders-cache-0001-001")',
    queries: (id, p) => [stat('value', 'AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', { CacheClusterId: id }, 'Maximum', p, true)],
  },
  'elasticache-evictions': {
    description: 'ElastiCache Evictions: keys evicted for lack of memory, per period',
    unit: 'keys',
    direction: 'above',
    limits: { warn: 1, fail: 1000 },
    targetHint: 'the CacheClusterId',
    queries: (id, p) => [stat('value', 'AWS/ElastiCache', 'Evictions', { CacheClusterId: id }, 'Sum', p, true)],
  },
  'elasticache-cpu': {
    description: "ElastiCache EngineCPUUtilization: the engine's thread, which is what saturates first",
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 90 },
    targetHint: 'the CacheClusterId',
    queries: (id, p) => [stat('value', 'AWS/ElastiCache', 'EngineCPUUtilization', { CacheClusterId: id }, 'Average', p, true)],
  },
  'elasticache-connections': {
    description: "ElastiCache CurrConnections (set thresholds from your clients' pool sizes)",
    unit: 'connections',
    direction: 'above',
    limits: { warn: 1000, fail: 5000 },
    targetHint: 'the CacheClusterId',
    queries: (id, p) => [stat('value', 'AWS/ElastiCache', 'CurrConnections', { CacheClusterId: id }, 'Maximum', p, true)],
  },
  'elasticache-replication-lag': {
    description: 'ElastiCache ReplicationLag of a replica node, in seconds',
    unit: 's',
    direction: 'above',
    limits: { warn: 5, fail: 30 },
    targetHint: 'the CacheClusterId of a replica node',
    queries: (id, p) => [stat('value', 'AWS/ElastiCache', 'ReplicationLag', { CacheClusterId: id }, 'Maximum', p, true)],
  },
  'msk-offset-lag': {
    description: "MSK SumOffsetLag: a consumer group's messages behind on one topic, all partitions",
    unit: 'messages',
    direction: 'above',
    limits: { warn: 1000, fail: 10000 },
    targetHint: '"cluster/consumer-group/topic"',
    queries: (t, p) => [stat('value', 'AWS/Kafka', 'SumOffsetLag', mskDims(t), 'Maximum', p, true)],
  },
  'msk-time-lag': {
    description: 'MSK EstimatedMaxTimeLag: how far behind, in seconds, a consumer group is on one topic',
    unit: 's',
    direction: 'above',
    limits: { warn: 60, fail: 300 },
    targetHint: '"cluster/consumer-group/topic"',
    queries: (t, p) => [stat('value', 'AWS/Kafka', 'EstimatedMaxTimeLag', mskDims(t), 'Maximum', p, true)],
  },
  'sqs-dlq-depth': {
    description: 'SQS ApproximateNumberOfMessagesVisible of a dead-letter queue: any message there is a failure nobody has looked at',
    unit: 'messages',
    direction: 'above',
    limits: { warn: 1, fail: 10 },
    targetHint: 'the QueueName',
    queries: (q, p) => [stat('value', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: q }, 'Maximum', p, true)],
  },
  'sqs-oldest-age': {
    description: 'SQS ApproximateAgeOfOldestMessage, in seconds',
    unit: 's',
    direction: 'above',
    limits: { warn: 300, fail: 3600 },
    targetHint: 'the QueueName',
    queries: (q, p) => [stat('value', 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: q }, 'Maximum', p, true)],
  },
  'lambda-errors': {
    description: 'Lambda Errors of one function, per period',
    unit: 'errors',
    direction: 'above',
    limits: { warn: 1, fail: 10 },
    targetHint: 'the FunctionName',
    queries: (f, p) => [stat('value', 'AWS/Lambda', 'Errors', { FunctionName: f }, 'Sum', p, true)],
  },
  'lambda-throttles': {
    description: 'Lambda Throttles of one function, per period',
    unit: 'throttles',
    direction: 'above',
    limits: { warn: 1, fail: 10 },
    targetHint: 'the FunctionName',
    queries: (f, p) => [stat('value', 'AWS/Lambda', 'Throttles', { FunctionName: f }, 'Sum', p, true)],
  },
  'lambda-duration': {
    description: "Lambda Duration, maximum, as a percentage of the function's timeout (`functionTimeoutSeconds`)",
    unit: '%',
    direction: 'above',
    limits: { warn: 80, fail: 95 },
    targetHint: 'the FunctionName, with `functionTimeoutSeconds`',
    needs: { field: 'functionTimeoutSeconds', hint: "the function's timeout in seconds, e.g. 30" },
    queries: (f, p, { functionTimeoutSeconds }) => [
      stat('ms', 'AWS/Lambda', 'Duration', { FunctionName: f }, 'Maximum', p),
      { Id: 'value', Expression: `100 * ms / ${(functionTimeoutSeconds ?? 900) * 1000}`, ReturnData: true },
    ],
  },
  'cloudfront-5xx-rate': {
    description: 'CloudFront 5xxErrorRate of one distribution: viewer requests answered 5xx, in % (read from us-east-1)',
    unit: '%',
    direction: 'above',
    limits: { warn: 1, fail: 5 },
    targetHint: 'the DistributionId, e.g. "E2QWRUHAPOMQZL"',
    region: 'us-east-1',
    queries: (id, p) => [stat('value', 'AWS/CloudFront', '5xxErrorRate', cloudfrontDims(id), 'Average', p, true)],
  },
  'cloudfront-4xx-rate': {
    description: 'CloudFront 4xxErrorRate of one distribution, in % (read from us-east-1)',
    unit: '%',
    direction: 'above',
    limits: { warn: 5, fail: 15 },
    targetHint: 'the DistributionId',
    region: 'us-east-1',
    queries: (id, p) => [stat('value', 'AWS/CloudFront', '4xxErrorRate', cloudfrontDims(id), 'Average', p, true)],
  },
  'cloudfront-origin-latency': {
    description: "CloudFront OriginLatency p90, in ms: the origin's time to first byte (needs the distribution's additional metrics)",
    unit: 'ms',
    direction: 'above',
    limits: { warn: 1000, fail: 3000 },
    targetHint: 'the DistributionId',
    region: 'us-east-1',
    queries: (id, p) => [stat('value', 'AWS/CloudFront', 'OriginLatency', cloudfrontDims(id), 'p90', p, true)],
  },
  'cloudfront-cache-hit-rate': {
    description: "CloudFront CacheHitRate, in % (needs the distribution's additional metrics)",
    unit: '%',
    direction: 'below',
    limits: { warn: 80, fail: 50 },
    targetHint: 'the DistributionId',
    region: 'us-east-1',
    queries: (id, p) => [stat('value', 'AWS/CloudFront', 'CacheHitRate', cloudfrontDims(id), 'Average', p, true)],
  },
} satisfies Record<string, Preset>;

/** CloudFront is global: its metrics carry Region=Global, and live in us-east-1. */
const cloudfrontDims = (id: string) => ({ DistributionId: id, Region: 'Global' });

/** MSK consumer-lag metrics are per cluster, consumer group and topic. */
function mskDims(target: string): Record<string, string> {
  const [cluster = '', group = '', topic = ''] = target.split('/');
  return { 'Cluster Name': cluster, 'Consumer Group': group, Topic: topic };
}

export type PresetName = keyof typeof PRESETS;

/** The setting a preset measures against, when it is missing: its path and what to give. */
export function missingExtra(name: PresetName, extra: PresetExtra): { path: string; message: string } | undefined {
  const needs = (PRESETS[name] as Preset).needs;
  if (!needs || extra[needs.field] !== undefined) return undefined;
  return { path: needs.field, message: `${name} measures against ${needs.hint}` };
}

/** The settings fields some presets need, for the schemas of checks and alarms. */
export const presetExtraFields = {
  /** For alb-unhealthy-hosts: the TargetGroup dimension. */
  targetGroup: z.optional(z.string()),
  /** For lambda-duration: the function's timeout, which its duration is measured against. */
  functionTimeoutSeconds: z.optional(z.number().check(z.positive(), z.maximum(900))),
  /** For rds-connections: the instance's max_connections, which its connections are measured against. */
  maxConnections: z.optional(z.int().check(z.positive())),
};
