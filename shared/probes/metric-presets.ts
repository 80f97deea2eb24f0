import type { MetricDataQuery } from '../aws/metrics.js';
import type { Limits } from '../thresholds.js';

export interface Preset {
  description: string;
  unit: string;
  /** Higher is worse (`above`) or lower is worse (`below`). */
  direction: 'above' | 'below';
  limits: Limits;
  /** What `target` names for this preset. */
  targetHint: string;
  queries(target: string, periodSeconds: number, extra: { targetGroup?: string | undefined }): MetricDataQuery[];
}

const stat = (id: string, namespace: string, name: string, dims: Record<string, string>, statistic: string, period: number, returnData = false): MetricDataQuery => ({
  Id: id,
  MetricStat: { Metric: { Namespace: namespace, MetricName: name, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) }, Period: period, Stat: statistic },
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
    queries: (lb, p, { targetGroup }) => [stat('value', 'AWS/ApplicationELB', 'UnHealthyHostCount', { LoadBalancer: lb, TargetGroup: targetGroup ?? '' }, 'Maximum', p, true)],
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
    queries: (id, p) => [stat('bytes', 'AWS/DocDB', 'FreeLocalStorage', { DBInstanceIdentifier: id }, 'Minimum', p), { Id: 'value', Expression: 'bytes / 1073741824', ReturnData: true }],
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
    queries: (id, p) => [stat('ms', 'AWS/DocDB', 'DBInstanceReplicaLag', { DBInstanceIdentifier: id }, 'Maximum', p), { Id: 'value', Expression: 'ms / 1000', ReturnData: true }],
  },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
