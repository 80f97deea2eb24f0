import type { DocdbPort } from './docdb.js';
import type { EcsPort } from './ecs.js';
import type { MetricsPort } from './metrics.js';
import type { SecretsPort } from '../secrets/credentials.js';

/** The AWS APIs probes and remediations use, behind ports so tests and the demo can stand in. */
export interface AwsPorts {
  ecs: EcsPort;
  metrics: MetricsPort;
  /** DocumentDB's control plane. Absent: docdb checks and remediations report it as a setup error. */
  docdb?: DocdbPort;
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
  };
}

/** A port whose implementation is loaded when one of its (async) methods is first called. */
function lazy<T extends object>(load: () => Promise<T>): T {
  let loaded: Promise<T> | undefined;
  return new Proxy({} as T, {
    // `then` stays undefined, so the port itself is never mistaken for a promise.
    get: (_, method) =>
      method === 'then' ? undefined : async (...args: unknown[]) => {
        const port = await (loaded ??= load());
        return (port[method as keyof T] as (...a: unknown[]) => unknown).apply(port, args);
      },
  });
}
