import type { AutoscalingPort } from './autoscaling.js';
import type { CloudfrontPort } from './cloudfront.js';
import type { DocdbPort } from './docdb.js';
import type { EcsPort } from './ecs.js';
import type { ElbPort } from './elb.js';
import type { LogsPort } from './logs.js';
import type { MetricsPort } from './metrics.js';
import type { RdsPort } from './rds.js';
import type { SecretsPort } from '../secrets/credentials.js';

/**
 * Every AWS client a probe or remediation may call (besides DynamoDB's, which every function has),
 * each loaded on its first call, so a function whose checks never touch ECS does not load (or pay the
 * start-up of) its client. Adding one: its adapter (`shared/aws/<name>.ts`, the file the bundler leaves
 * out of functions that do not call it) and one line here.
 */
const ADAPTERS = {
  ecs: async (): Promise<EcsPort> => new (await import('./ecs.js')).SdkEcs(),
  metrics: async (): Promise<MetricsPort> => new (await import('./metrics.js')).BatchingMetrics(),
  secrets: async (): Promise<SecretsPort> => new (await import('./secrets.js')).SdkSecrets(),
  docdb: async (): Promise<DocdbPort> => new (await import('./docdb.js')).SdkDocdb(),
  rds: async (): Promise<RdsPort> => new (await import('./rds.js')).SdkRds(),
  elb: async (): Promise<ElbPort> => new (await import('./elb.js')).SdkElb(),
  autoscaling: async (): Promise<AutoscalingPort> => new (await import('./autoscaling.js')).SdkAutoscaling(),
  logs: async (): Promise<LogsPort> => new (await import('./logs.js')).SdkLogs(),
  cloudfront: async (): Promise<CloudfrontPort> => new (await import('./cloudfront.js')).SdkCloudfront(),
};

export type AwsClient = keyof typeof ADAPTERS;
export const AWS_CLIENTS = Object.keys(ADAPTERS) as AwsClient[];

type PortOf<K extends AwsClient> = Awaited<ReturnType<(typeof ADAPTERS)[K]>>;

/**
 * The AWS APIs probes and remediations use, behind ports so tests and the demo can stand in. ECS and
 * CloudWatch metrics are always there; absent any other, its checks and remediations report a setup error.
 */
export type AwsPorts = { ecs: PortOf<'ecs'>; metrics: PortOf<'metrics'> } & { [K in Exclude<AwsClient, 'ecs' | 'metrics'>]?: PortOf<K> };

/** SDK-backed ports; build once per cold start, at module scope. */
export function sdkPorts(): AwsPorts {
  return Object.fromEntries(AWS_CLIENTS.map((name) => [name, lazy(ADAPTERS[name] as () => Promise<object>)])) as AwsPorts;
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
