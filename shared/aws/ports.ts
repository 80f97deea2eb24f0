import { loadAdapter } from './load-adapter.js';

/**
 * Every AWS client a probe or remediation may call (besides DynamoDB's, which every function has), by the
 * name `uses` gives it. Each adapter (`shared/aws/<name>.ts`) adds its own line here with a module
 * augmentation and exports `sdkPort`: adding a client is its adapter file and nothing else.
 */
export interface AwsPortMap {}

export type AwsClient = keyof AwsPortMap;

/**
 * The AWS APIs probes and remediations use, behind ports so tests and the demo can stand in. ECS and
 * CloudWatch metrics are always there; absent any other, its checks and remediations report a setup error.
 */
export type AwsPorts = Pick<AwsPortMap, 'ecs' | 'metrics'> & Partial<Omit<AwsPortMap, 'ecs' | 'metrics'>>;

/**
 * SDK-backed ports, each loaded on its first call, so a function whose checks never touch ECS does not
 * load (or pay the start-up of) its client. Build once per cold start, at module scope.
 */
export function sdkPorts(): AwsPorts {
  const ports = new Map<string, object>();
  return new Proxy({} as AwsPorts, {
    get: (_, name) => {
      if (typeof name !== 'string' || name === 'then') return undefined;
      if (!ports.has(name))
        ports.set(
          name,
          lazy(() => loadAdapter(name)),
        );
      return ports.get(name);
    },
  });
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
