import type { AutoscalingPort } from './autoscaling.js';
import type { CloudfrontPort } from './cloudfront.js';
import type { DocdbPort } from './docdb.js';
import type { EcsPort } from './ecs.js';
import type { ElbPort } from './elb.js';
import type { LogsPort } from './logs.js';
import type { MetricsPort } from './metrics.js';
import type { RdsPort } from './rds.js';
import type { SecretsPort } from '../secrets/credentials.js';

/** The AWS APIs probes and remediations use, behind ports so tests and the demo can stand in. */
export interface AwsPorts {
  ecs: EcsPort;
  metrics: MetricsPort;
  /** DocumentDB's control plane. Absent: docdb checks and remediations report it as a setup error. */
  docdb?: DocdbPort;
  /** RDS and Aurora's control plane. Absent: rds checks and remediations report it as a setup error. */
  rds?: RdsPort;
  /** Load balancer target health. Absent: lb-targets checks report it as a setup error. */
  elb?: ElbPort;
  /** Application Auto Scaling. Absent: ecs-autoscaling checks report it as a setup error; ecs-scale-out acts as if the service had no scalable target. */
  autoscaling?: AutoscalingPort;
  /** CloudWatch Logs. Absent: logs checks report it as a setup error. */
  logs?: LogsPort;
  /** CloudFront, global (us-east-1). Absent: cloudfront remediations refuse. */
  cloudfront?: CloudfrontPort;
  /** Database credentials. Absent: only env and inline passwords resolve. */
  secrets?: SecretsPort;
}

/**
 * SDK-backed ports; build once per cold start, at module scope. Each SDK client is loaded on its
 * first call, so a function whose checks never touch ECS does not load (or pay the start-up of) its client.
 */
export function sdkPorts(): AwsPorts {
  return {
    ecs: lazy(async () => new (await import('./ecs.js')).SdkEcs()),
    metrics: lazy(async () => new (await import('./metrics.js')).BatchingMetrics()),
    secrets: lazy(async () => new (await import('./secrets.js')).SdkSecrets()),
    docdb: lazy(async () => new (await import('./docdb.js')).SdkDocdb()),
    rds: lazy(async () => new (await import('./rds.js')).SdkRds()),
    elb: lazy(async () => new (await import('./elb.js')).SdkElb()),
    autoscaling: lazy(async () => new (await import('./autoscaling.js')).SdkAutoscaling()),
    logs: lazy(async () => new (await import('./logs.js')).SdkLogs()),
    cloudfront: lazy(async () => new (await import('./cloudfront.js')).SdkCloudfront()),
  };
}

/** A port whose implementation is loaded when one of its (async) methods is first called. */
function lazy<T extends object>(load: () => Promise<T>): T {
  let loaded: Promise<T> | undefined;
  return new Proxy({} as T, {
    // `then` stays undefined, so the port itself is never mistaken for a promise.
    get: (_, method) =>
      method === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const port = await (loaded ??= load());
            return (port[method as keyof T] as (...a: unknown[]) => unknown).apply(port, args);
          },
  });
}
