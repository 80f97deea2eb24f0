import * as z from '../zod.js';

/** `cluster/service`, the typed target of ECS probes and remediations. */
export const ecsTargetSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}$/, 'expected "cluster/service", e.g. "prod/orders-api"'));

export function parseEcsTarget(target: string): { cluster: string; service: string } {
  const [cluster, service] = target.split('/') as [string, string];
  return { cluster, service };
}
